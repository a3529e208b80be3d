namespace UnIT.ML.Data;

/// <summary>
/// Thrown when a data file cannot be read or does not fit the request: a bad IDX magic number, a
/// truncated file, a ragged or non-numeric CSV row, a range beyond the samples in the file, or
/// samples that do not fit a model's input. The message names the file and the problem.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public DatasetException(string message, Exception inner) : base(message, inner)
    {
    }
}
