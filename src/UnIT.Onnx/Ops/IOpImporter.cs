using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Imports the ONNX operators named in <see cref="OpTypes"/>: reads the node's inputs and
/// attributes, checks what is supported, and adds graph nodes or folded constants to the context.
/// </summary>
internal interface IOpImporter
{
    /// <summary>The ONNX op types this importer handles.</summary>
    IReadOnlyList<string> OpTypes { get; }

    /// <summary>Imports one node; throws <see cref="OnnxImportException"/> (via <see cref="OnnxNode.Error(string)"/>) for what it does not support.</summary>
    void Import(OnnxNode node);
}
