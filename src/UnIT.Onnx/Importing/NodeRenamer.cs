using UnIT.ML.Graph;

namespace UnIT.Onnx.Importing;

/// <summary>
/// Copies of graph nodes that write another value name. Used to keep a graph output's ONNX name
/// when the node that wrote it (an Identity or Dropout at the end) was removed.
/// </summary>
internal static class NodeRenamer
{
    /// <summary><paramref name="node"/> writing <paramref name="output"/>, or null for a node type not listed here.</summary>
    public static Node? WithOutput(Node node, string output) => node switch
    {
        ConvNode c => new ConvNode(c.Name, c.Input, output, c.Weight, c.Bias, c.Strides, c.PadsBegin, c.PadsEnd, c.Dilations, c.Groups),
        FullyConnectedNode f => new FullyConnectedNode(f.Name, f.Input, output, f.Weight, f.Bias, f.OpName),
        PoolNode p => new PoolNode(p.Name, p.Input, output, p.Kind, p.Kernel, p.Strides, p.PadsBegin, p.PadsEnd, p.Dilations, p.CeilMode, p.CountIncludePad),
        GlobalAveragePoolNode g => new GlobalAveragePoolNode(g.Name, g.Input, output),
        ActivationNode a => new ActivationNode(a.Name, a.Input, output, a.Kind, a.Alpha, a.Min, a.Max),
        BatchNormNode b => new BatchNormNode(b.Name, b.Input, output, b.Scale, b.Shift),
        ElementwiseNode e => new ElementwiseNode(e.Name, e.Input, output, e.Op, e.Constant, e.ConstantFirst),
        FlattenNode f => new FlattenNode(f.Name, f.Input, output, f.Axis),
        ReshapeNode r => new ReshapeNode(r.Name, r.Input, output, r.Target),
        SoftmaxNode s => new SoftmaxNode(s.Name, s.Input, output),
        _ => null,
    };
}
