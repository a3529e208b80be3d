namespace UnIT.Cli.Output;

/// <summary>Keeps commands from overwriting what the user already has: an existing file is replaced only with <c>--force</c>.</summary>
internal static class OutputGuard
{
    /// <summary>Throws <see cref="IOException"/> naming <paramref name="path"/> when it exists and <paramref name="force"/> is false; creates its folder.</summary>
    public static void EnsureWritable(string path, bool force)
    {
        if (File.Exists(path) && !force)
        {
            throw new IOException($"'{path}' already exists; pass --force to overwrite it.");
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> after <see cref="EnsureWritable"/>.</summary>
    public static void WriteAllText(string path, string text, bool force)
    {
        EnsureWritable(path, force);
        File.WriteAllText(path, text);
    }
}
