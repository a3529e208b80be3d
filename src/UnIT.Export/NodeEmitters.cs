using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>The emitter table: node type to its C emitter. Supporting a new node kind means adding one entry.</summary>
internal static class NodeEmitters
{
    private static readonly Dictionary<Type, INodeEmitter> Table = new()
    {
        [typeof(ConvNode)] = new ConvEmitter(),
        [typeof(FullyConnectedNode)] = new FullyConnectedEmitter(),
        [typeof(ActivationNode)] = new ActivationEmitter(),
        [typeof(PoolNode)] = new PoolEmitter(),
        [typeof(GlobalAveragePoolNode)] = new GlobalAveragePoolEmitter(),
        [typeof(BinaryNode)] = new BinaryEmitter(),
        [typeof(ConcatNode)] = new ConcatEmitter(),
        [typeof(PadNode)] = new GatherEmitter(),
        [typeof(SliceNode)] = new GatherEmitter(),
        [typeof(TransposeNode)] = new GatherEmitter(),
        [typeof(FlattenNode)] = new ReshapeEmitter(),
        [typeof(ReshapeNode)] = new ReshapeEmitter(),
        [typeof(ElementwiseNode)] = new AffineEmitter(),
        [typeof(BatchNormNode)] = new AffineEmitter(),
    };

    /// <summary>The emitter of <paramref name="node"/>'s type; throws <see cref="CExportException"/> naming the node and op when there is none.</summary>
    public static INodeEmitter For(Node node) => Table.TryGetValue(node.GetType(), out INodeEmitter? e)
        ? e
        : throw new CExportException(
            $"Node '{node.Name}' ({node.OpName}) has no C emitter; export-c supports Conv, Gemm/MatMul, BatchNormalization, Relu, LeakyRelu, " +
            "Clip, HardSigmoid, HardSwish, Softsign, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Pad, Slice, Transpose, Concat, " +
            "and Add/Sub/Mul/Div/Max/Min with a constant or between two values.");
}
