using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>Turns one kind of graph node into C: one implementation per node type, registered in <see cref="NodeEmitters"/>.</summary>
internal interface INodeEmitter
{
    /// <summary>True when the node's output can share its (first) input's buffer: it moves no data.</summary>
    bool AliasesInput(Node node, EmitContext context);

    /// <summary>Emits the node's statements (and any constants and kernels it needs) into <paramref name="context"/>.</summary>
    void Emit(Node node, EmitContext context);
}
