namespace UnIT.Onnx;

/// <summary>
/// Thrown when an ONNX model cannot be imported: the file is not a valid ONNX model, it uses an
/// opset, operator, attribute value or data type the importer does not support, or its weights
/// cannot be read. The message names the file, node, tensor or input at fault.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxImportException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public OnnxImportException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception for a model with several blockers; the message lists them all, one per line.</summary>
    public OnnxImportException(string message, IReadOnlyList<OnnxImportException> blockers)
        : base(message + Environment.NewLine + string.Join(Environment.NewLine, blockers.Select(b => "  - " + b.Message)))
    {
        Blockers = blockers.Select(b => b.Message).ToArray();
    }

    /// <summary>One message per node that blocks the import (node name, op, what is unsupported); empty for errors about the whole file.</summary>
    public IReadOnlyList<string> Blockers { get; } = [];
}
