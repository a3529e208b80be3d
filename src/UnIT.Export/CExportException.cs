namespace UnIT.Export;

/// <summary>The model, its thresholds or its profile cannot be turned into C; the message names the node, op or setting.</summary>
public sealed class CExportException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CExportException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
