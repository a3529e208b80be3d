namespace UnIT.Reports;

/// <summary>Thrown when a report would overwrite an existing file and overwriting was not allowed; the message names the file.</summary>
public sealed class OutputExistsException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>.</summary>
    public OutputExistsException(string path)
        : base($"Output file '{path}' already exists; pass --force to overwrite it or choose another output folder.") => FilePath = path;

    /// <summary>The file that exists.</summary>
    public string FilePath { get; }
}
