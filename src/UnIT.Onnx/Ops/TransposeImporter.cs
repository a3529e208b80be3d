using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Transpose: folded on a constant; on a run-time value a <see cref="TransposeNode"/>, which must keep the
/// batch axis first (the default perm reverses all axes, so it moves the batch axis unless the rank is 1).
/// </summary>
internal sealed class TransposeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Transpose"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        bool constant = node.Context.TryGetConstant(node.Input(0), out ConstantTensor data);
        int rank = constant ? data.Rank : node.Context.ShapeOf(node.RuntimeInput(0)).Rank;
        int[] perm = node.IntArray("perm", Enumerable.Range(0, rank).Reverse().ToArray());
        if (perm.Length != rank || perm.Order().Where((p, i) => p != i).Any())
        {
            throw node.Error($"perm [{string.Join(",", perm)}] is not a permutation of the {rank} axes.");
        }
        if (!constant)
        {
            if (perm[0] != 0)
            {
                throw node.Error($"perm [{string.Join(",", perm)}] moves the batch axis (0); each sample's result would depend on the others.");
            }
            node.Context.Add(new TransposeNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), perm));
            return;
        }
        long[] dims = perm.Select(p => data.Dims[p]).ToArray();
        long[] strides = data.Strides();
        var source = new int[data.Count];
        var index = new long[rank];
        for (int n = 0; n < source.Length; n++)
        {
            long from = 0;
            for (int d = 0; d < rank; d++)
            {
                from += index[d] * strides[perm[d]];
            }
            source[n] = (int)from;
            for (int d = rank - 1; d >= 0 && ++index[d] == dims[d]; d--)
            {
                index[d] = 0;
            }
        }
        node.SetConstantOutput(data.Select(dims, source));
    }
}
