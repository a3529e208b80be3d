using UnIT.ML.Kernels;
using static UnIT.ML.Graph.Serialization.BinaryFormat;

namespace UnIT.ML.Graph.Ops;

/// <summary>
/// The one table of per-op facts: for every node type, its serializer tag and attribute format, its
/// kernel and its fixed-point behaviour. The serializer and the engine look node types up here
/// instead of switching on them; adding an op is adding a node class and one entry.
/// </summary>
internal static class OpTable
{
    private static readonly OpEntry[] Entries =
    [
        new(typeof(ConvNode), 1,
            (w, n) =>
            {
                var c = (ConvNode)n;
                WriteTensor(w, c.Weight);
                WriteOptionalFloats(w, c.Bias);
                WriteInts(w, c.Strides);
                WriteInts(w, c.PadsBegin);
                WriteInts(w, c.PadsEnd);
                WriteInts(w, c.Dilations);
                w.Write(c.Groups);
            },
            (h, r) => new ConvNode(h.Name, h.Input, h.Output, ReadTensor(r), ReadOptionalFloats(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r), r.ReadInt32()),
            null, Rounds),
        new(typeof(FullyConnectedNode), 2,
            (w, n) =>
            {
                var fc = (FullyConnectedNode)n;
                WriteTensor(w, fc.Weight);
                WriteOptionalFloats(w, fc.Bias);
                w.Write(fc.OpName);
            },
            (h, r) => new FullyConnectedNode(h.Name, h.Input, h.Output, ReadTensor(r), ReadOptionalFloats(r), r.ReadString()),
            null, Rounds),
        new(typeof(ActivationNode), 3,
            (w, n) =>
            {
                var a = (ActivationNode)n;
                w.Write((int)a.Kind);
                w.Write(a.Alpha);
                w.Write(a.Min);
                w.Write(a.Max);
                // Only the kinds added after format version 2 have a beta, so older files read unchanged.
                if (a.HasBeta)
                {
                    w.Write(a.Beta);
                }
            },
            (h, r) =>
            {
                var kind = ReadEnum<ActivationKind>(r);
                float alpha = r.ReadSingle(), min = r.ReadSingle(), max = r.ReadSingle();
                float beta = kind is ActivationKind.HardSigmoid or ActivationKind.Selu ? r.ReadSingle() : 0f;
                return new ActivationNode(h.Name, h.Input, h.Output, kind, alpha, min, max, beta);
            },
            (n, run) => ElementwiseKernel.Activation((ActivationNode)n, run.Inputs[0], run.Output, run.FatReluTau),
            n => ((ActivationNode)n).Kind == ActivationKind.Relu),
        new(typeof(BatchNormNode), 4,
            (w, n) =>
            {
                var bn = (BatchNormNode)n;
                WriteFloats(w, bn.Scale);
                WriteFloats(w, bn.Shift);
            },
            (h, r) => new BatchNormNode(h.Name, h.Input, h.Output, ReadFloats(r), ReadFloats(r)),
            (n, run) => ElementwiseKernel.BatchNorm((BatchNormNode)n, run.InputShapes[0], run.Inputs[0], run.Output),
            Rounds),
        new(typeof(ElementwiseNode), 5,
            (w, n) =>
            {
                var e = (ElementwiseNode)n;
                w.Write((int)e.Op);
                WriteTensor(w, e.Constant);
                w.Write(e.ConstantFirst);
            },
            (h, r) => new ElementwiseNode(h.Name, h.Input, h.Output, ReadEnum<ElementwiseOp>(r), ReadTensor(r), r.ReadBoolean()),
            (n, run) => ElementwiseKernel.Binary((ElementwiseNode)n, run.InputShapes[0], run.Inputs[0], run.Output),
            Rounds),
        new(typeof(FlattenNode), 6,
            (w, n) => w.Write(((FlattenNode)n).Axis),
            (h, r) => new FlattenNode(h.Name, h.Input, h.Output, r.ReadInt32()),
            Copy, Keeps),
        new(typeof(ReshapeNode), 7,
            (w, n) => WriteLongs(w, ((ReshapeNode)n).Target),
            (h, r) => new ReshapeNode(h.Name, h.Input, h.Output, ReadLongs(r)),
            Copy, Keeps),
        new(typeof(PoolNode), 8,
            (w, n) =>
            {
                var p = (PoolNode)n;
                w.Write((int)p.Kind);
                WriteInts(w, p.Kernel);
                WriteInts(w, p.Strides);
                WriteInts(w, p.PadsBegin);
                WriteInts(w, p.PadsEnd);
                WriteInts(w, p.Dilations);
                w.Write(p.CeilMode);
                w.Write(p.CountIncludePad);
            },
            (h, r) => new PoolNode(h.Name, h.Input, h.Output, ReadEnum<PoolKind>(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r),
                r.ReadBoolean(), r.ReadBoolean()),
            (n, run) => PoolKernel.Run((PoolNode)n, run.InputShapes[0], run.OutputShape, run.Inputs[0], run.Output),
            n => ((PoolNode)n).Kind == PoolKind.Max),
        new(typeof(GlobalAveragePoolNode), 9,
            (_, _) => { },
            (h, _) => new GlobalAveragePoolNode(h.Name, h.Input, h.Output),
            (_, run) => PoolKernel.GlobalAverage(run.InputShapes[0][1], run.Inputs[0], run.Output),
            Rounds),
        new(typeof(SoftmaxNode), 10,
            (_, _) => { },
            (h, _) => new SoftmaxNode(h.Name, h.Input, h.Output),
            (_, run) => ElementwiseKernel.Softmax(run.InputShapes[0][^1], run.Inputs[0], run.Output),
            Rounds),
        new(typeof(BinaryNode), 11,
            (w, n) => w.Write((int)((BinaryNode)n).Op),
            (h, r) => h.Inputs.Length == 2
                ? new BinaryNode(h.Name, h.Inputs[0], h.Inputs[1], h.Output, ReadEnum<ElementwiseOp>(r))
                : throw new FormatException($"Node '{h.Name}' is serialized with {h.Inputs.Length} inputs; a binary op takes two."),
            (n, run) => BroadcastKernel.Run((BinaryNode)n, run),
            Rounds),
        new(typeof(ConcatNode), 12,
            (w, n) => w.Write(((ConcatNode)n).Axis),
            (h, r) => new ConcatNode(h.Name, h.Inputs, h.Output, r.ReadInt32()),
            (n, run) => ConcatKernel.Run(((ConcatNode)n).Axis, run),
            Rounds),
        new(typeof(LrnNode), 13,
            (w, n) =>
            {
                var l = (LrnNode)n;
                w.Write(l.Size);
                w.Write(l.Alpha);
                w.Write(l.Beta);
                w.Write(l.Bias);
            },
            (h, r) => new LrnNode(h.Name, h.Input, h.Output, r.ReadInt32(), r.ReadSingle(), r.ReadSingle(), r.ReadSingle()),
            (n, run) => LrnKernel.Run((LrnNode)n, run.InputShapes[0], run.Inputs[0], run.Output),
            Rounds),
        new(typeof(TransposeNode), 14,
            (w, n) => WriteInts(w, ((TransposeNode)n).Perm),
            (h, r) => new TransposeNode(h.Name, h.Input, h.Output, ReadInts(r)),
            (n, run) => TransposeKernel.Run(((TransposeNode)n).Perm, run.InputShapes[0], run.OutputShape, run.Inputs[0], run.Output),
            Keeps),
        new(typeof(ReduceNode), 15,
            (w, n) =>
            {
                var red = (ReduceNode)n;
                w.Write((int)red.Kind);
                WriteInts(w, red.Axes);
                w.Write(red.KeepDims);
            },
            (h, r) => new ReduceNode(h.Name, h.Input, h.Output, ReadEnum<ReduceKind>(r), ReadInts(r), r.ReadBoolean()),
            (n, run) => ReduceKernel.Run((ReduceNode)n, run.InputShapes[0], run.Inputs[0], run.Output, run.RoundExact),
            n => ((ReduceNode)n).Kind is ReduceKind.Max or ReduceKind.Min),
        new(typeof(AxisSoftmaxNode), 16,
            (w, n) =>
            {
                var sm = (AxisSoftmaxNode)n;
                w.Write(sm.FirstAxis);
                w.Write(sm.LastAxis);
                w.Write(sm.Log);
            },
            (h, r) => new AxisSoftmaxNode(h.Name, h.Input, h.Output, r.ReadInt32(), r.ReadInt32(), r.ReadBoolean()),
            (n, run) => AxisSoftmaxKernel.Run((AxisSoftmaxNode)n, run.InputShapes[0], run.Inputs[0], run.Output),
            Rounds),
        new(typeof(PadNode), 17,
            (w, n) =>
            {
                var p = (PadNode)n;
                w.Write((int)p.Mode);
                WriteInts(w, p.PadsBegin);
                WriteInts(w, p.PadsEnd);
                w.Write(p.Value);
            },
            (h, r) => new PadNode(h.Name, h.Input, h.Output, ReadEnum<PadMode>(r), ReadInts(r), ReadInts(r), r.ReadSingle()),
            (n, run) => PadKernel.Run((PadNode)n, run.InputShapes[0], run.OutputShape, run.Inputs[0], run.Output),
            // Reflect and edge only copy values, and so does a zero fill (0 is on every Q grid).
            n => n is PadNode { Mode: not PadMode.Constant } or PadNode { Value: 0f }),
        new(typeof(SliceNode), 18,
            (w, n) =>
            {
                var sl = (SliceNode)n;
                WriteInts(w, sl.Starts);
                WriteInts(w, sl.Steps);
                WriteInts(w, sl.Counts);
            },
            (h, r) => new SliceNode(h.Name, h.Input, h.Output, ReadInts(r), ReadInts(r), ReadInts(r)),
            (n, run) => SliceKernel.Run((SliceNode)n, run.InputShapes[0], run.Inputs[0], run.Output),
            Keeps),
        new(typeof(ConvTransposeNode), 19,
            (w, n) =>
            {
                var c = (ConvTransposeNode)n;
                WriteTensor(w, c.Weight);
                WriteOptionalFloats(w, c.Bias);
                WriteInts(w, c.Strides);
                WriteInts(w, c.PadsBegin);
                WriteInts(w, c.PadsEnd);
                WriteInts(w, c.Dilations);
                WriteInts(w, c.OutputPadding);
                w.Write(c.Groups);
            },
            (h, r) => new ConvTransposeNode(h.Name, h.Input, h.Output, ReadTensor(r), ReadOptionalFloats(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r), r.ReadInt32()),
            (n, run) => ConvTransposeKernel.Run((ConvTransposeNode)n, run.InputShapes[0], run.OutputShape, run.Inputs[0], run.Output, run.RoundExact),
            Rounds),
    ];

    private static readonly Dictionary<Type, OpEntry> ByType = Entries.ToDictionary(e => e.NodeType);
    private static readonly Dictionary<byte, OpEntry> ByTag = Entries.ToDictionary(e => e.Tag);

    /// <summary>The entry of <paramref name="node"/>'s type, or null when the table has none.</summary>
    public static OpEntry? Find(Node node) => ByType.GetValueOrDefault(node.GetType());

    /// <summary>The entry with the serialized tag <paramref name="tag"/>, or null.</summary>
    public static OpEntry? Find(byte tag) => ByTag.GetValueOrDefault(tag);

    /// <summary>True when, in fixed point, the node's output keeps its (first) input's Q format: it only moves or selects values.</summary>
    public static bool KeepsInputGrid(Node node) => Find(node)?.KeepsInputGrid(node) ?? false;

    /// <summary>A copy of <paramref name="node"/> wired to other values: its attributes go through the serialized form, so every op in the table can be copied.</summary>
    public static Node Rewired(Node node, IReadOnlyList<string> inputs, string output)
    {
        OpEntry entry = Find(node) ?? throw new NotSupportedException($"Node '{node.Name}' ({node.OpName}, {node.GetType().Name}) is not in the op table.");
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            entry.WriteAttributes(w, node);
        }
        buffer.Position = 0;
        using var r = new BinaryReader(buffer);
        return entry.Read(new NodeHeader(node.Name, inputs.ToArray(), output), r);
    }

    private static void Copy(Node node, NodeRun run) => run.Inputs[0].AsSpan().CopyTo(run.Output);

    private static bool Keeps(Node node) => true;

    private static bool Rounds(Node node) => false;
}
