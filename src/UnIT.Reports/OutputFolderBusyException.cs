namespace UnIT.Reports;

/// <summary>Thrown when another command is writing into the same output folder; the message names the folder.</summary>
public sealed class OutputFolderBusyException : IOException
{
    /// <summary>Creates the exception for <paramref name="folder"/>.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="inner">Why its lock file could not be held.</param>
    public OutputFolderBusyException(string folder, Exception inner)
        : base($"Output folder '{folder}' is in use by another unit-prune command (it holds '{OutputFolder.LockFileName}'); wait for it to finish or choose another folder.", inner)
        => Folder = folder;

    /// <summary>The folder that is in use.</summary>
    public string Folder { get; }
}
