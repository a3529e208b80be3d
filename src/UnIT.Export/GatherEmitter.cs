using UnIT.ML.Graph;
using UnIT.ML.Graph.Ops;

namespace UnIT.Export;

/// <summary>
/// Pad, Slice and Transpose: ops that only place input cells (or a fill value) in the output. The map is taken from
/// the engine's own kernel, run at export time on the element numbers 1..n and on their negatives (a cell that keeps
/// its value in both runs is the fill), and emitted as a constant index table: one index per output element.
/// Fixed point: copied cells move onto the output's Q format as the engine re-quantizes them; the fill is rounded once.
/// </summary>
internal sealed class GatherEmitter : INodeEmitter
{
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    public void Emit(Node node, EmitContext context)
    {
        Shape inShape = context.SampleShape(node.Input), outShape = context.SampleShape(node.Output);
        context.CheckIndexRange(node, Math.Max(inShape.SampleSize, outShape.SampleSize));
        if (inShape.SampleSize >= 1 << 24)
        {
            throw EmitContext.Error(node, $"an input of {inShape.SampleSize} elements is too large for the export-time index probe (2^24).");
        }
        float[] up = Probe(node, inShape, outShape, 1f), down = Probe(node, inShape, outShape, -1f);
        var map = new int[up.Length];
        bool fills = false;
        for (int i = 0; i < map.Length; i++)
        {
            bool filled = up[i] == down[i] || float.IsNaN(up[i]);
            fills |= filled;
            map[i] = filled ? -1 : (int)up[i] - 1;
        }
        string table = context.FixedPoint ? context.ConstInt16(node.Name + "_map", map) : context.Const("unit_idx_t", node.Name + "_map", map, 4, EmitContext.Int);
        string x = context.Buffer(node.Input), y = context.Buffer(node.Output);
        string copied = context.FixedPoint && context.Q(node.Input) != context.Q(node.Output)
            ? $"unit_rescale({x}[k], {context.Q(node.Output) - context.Q(node.Input)})"
            : $"{x}[k]";
        string fill = "0";
        if (fills)
        {
            float value = up[Array.FindIndex(map, m => m < 0)];
            fill = context.FixedPoint
                ? EmitContext.Int(ML.Kernels.FixedPointMath.Quantize(value, context.Q(node.Output)))
                : EmitContext.FloatLiteral(value);
        }
        context.Line($"for (i = 0; i < {map.Length}; i++)");
        context.Line("{");
        context.Line($"    const unit_idx_t k = {table}[i];");
        context.Line(fills ? $"    {y}[i] = k < 0 ? {fill} : {copied};" : $"    {y}[i] = {copied};");
        context.Line("}");
    }

    /// <summary>The engine kernel's output for the input <paramref name="sign"/> * (1, 2, ..., n).</summary>
    private static float[] Probe(Node node, Shape inShape, Shape outShape, float sign)
    {
        var input = new float[inShape.SampleSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = sign * (i + 1);
        }
        var output = new float[outShape.SampleSize];
        OpEntry entry = OpTable.Find(node) ?? throw EmitContext.Error(node, "the op has no kernel to take its map from.");
        entry.Kernel!(node, new NodeRun([input], [inShape], output, outShape, 0f, null));
        return output;
    }
}
