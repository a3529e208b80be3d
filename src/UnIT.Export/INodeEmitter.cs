using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>Turns one kind of graph node into C: one implementation per node type, registered in <see cref="NodeEmitters"/>.</summary>
internal interface INodeEmitter
{
    /// <summary>Whether the node's output may use its (first) input's buffer: it moves no data, or its C loop is elementwise.</summary>
    BufferSharing Sharing(Node node, EmitContext context);

    /// <summary>Emits the node's statements (and any constants and kernels it needs) into <paramref name="context"/>.</summary>
    void Emit(Node node, EmitContext context);
}
