using System.Globalization;
using UnIT.Onnx.Protos;

namespace UnIT.Onnx.Importing;

/// <summary>
/// Reads a tensor's values from an external data file. A model file is untrusted input: the file must
/// lie inside the model's directory after every symbolic link is followed, and must be a regular
/// file, before it is opened. Errors never say anything about files outside that directory.
/// </summary>
internal static class ExternalData
{
    /// <summary>More links than this on one path are taken as a loop (Linux stops at 40 too).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The <paramref name="expectedBytes"/> bytes tensor <paramref name="name"/> stores externally, read from
    /// the file its external_data names relative to <paramref name="baseDirectory"/>.
    /// </summary>
    public static byte[] Read(TensorProto tensor, string name, string? baseDirectory, long expectedBytes)
    {
        (string? location, long offset, long length) = Entries(tensor, name);
        if (string.IsNullOrEmpty(location))
        {
            throw new OnnxImportException($"Tensor '{name}' is stored externally but its external_data has no 'location'.");
        }
        if (baseDirectory is null)
        {
            throw new OnnxImportException($"Tensor '{name}' is stored in the external file '{location}', but no base directory was given to resolve it; import from a path or pass baseDirectory.");
        }
        if (expectedBytes > Array.MaxLength)
        {
            throw new OnnxImportException($"Tensor '{name}' needs {expectedBytes} bytes, more than one array can hold.");
        }
        string root = Path.GetFullPath(baseDirectory);
        string path = Resolve(location, root, name);
        if (!File.Exists(path))
        {
            throw new OnnxImportException(Directory.Exists(path)
                ? $"External data '{location}' for tensor '{name}' is a directory, not a file."
                : $"External data file '{Path.Join(root, location)}' for tensor '{name}' was not found.");
        }
        long size = new FileInfo(path).Length;
        // FIFOs, devices and sockets report a size of 0; refusing them before opening keeps a FIFO from blocking forever.
        if (size == 0 && expectedBytes > 0)
        {
            throw new OnnxImportException($"External data '{location}' for tensor '{name}' is empty or not a regular file (a FIFO, device or socket).");
        }
        long take = length >= 0 ? length : size - offset;
        if (offset > size || take > size - offset)
        {
            throw new OnnxImportException($"External data file '{path}' has {size} bytes, too few for tensor '{name}' (offset {offset}, length {take}).");
        }
        if (take != expectedBytes)
        {
            throw new OnnxImportException($"Tensor '{name}' needs {expectedBytes} bytes but its external data in '{path}' has length {take}.");
        }
        var bytes = new byte[take];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            if (!stream.CanSeek || stream.Length != size)
            {
                throw new OnnxImportException($"External data '{location}' for tensor '{name}' changed while it was being read.");
            }
            stream.Seek(offset, SeekOrigin.Begin);
            stream.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException($"External data file '{path}' for tensor '{name}' cannot be read: {ex.Message}", ex);
        }
        return bytes;
    }

    private static (string? Location, long Offset, long Length) Entries(TensorProto tensor, string name)
    {
        string? location = null;
        long offset = 0;
        long length = -1;
        foreach (StringStringEntryProto entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offset = ParseLong(entry.Value, "offset", name);
                    break;
                case "length":
                    length = ParseLong(entry.Value, "length", name);
                    break;
            }
        }
        return (location, offset, length);
    }

    /// <summary>
    /// The real path of <paramref name="location"/> under <paramref name="root"/>, after every symbolic
    /// link is followed; refuses absolute locations and anything that ends up outside the root's real path.
    /// </summary>
    private static string Resolve(string location, string root, string name)
    {
        string outside = $"Tensor '{name}' names the external file '{location}', which is not inside the model's directory '{root}'";
        if (Path.IsPathRooted(location) || location.Contains('\0', StringComparison.Ordinal))
        {
            throw new OnnxImportException($"{outside}: external data locations must be relative paths.");
        }
        string? realRoot = RealPath(root);
        string? real = RealPath(Path.Join(root, location));
        if (realRoot is null || real is null)
        {
            throw new OnnxImportException($"{outside}: its path has too many symbolic links or cannot be resolved.");
        }
        if (!real.StartsWith(Path.TrimEndingDirectorySeparator(realRoot) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new OnnxImportException($"{outside} (after following symbolic links).");
        }
        return real;
    }

    /// <summary>
    /// <paramref name="path"/> (absolute) with every symbolic link in it followed, like POSIX realpath but
    /// also for paths that do not exist; null for a link loop or a component that cannot be inspected.
    /// </summary>
    private static string? RealPath(string path)
    {
        string current = Path.GetPathRoot(path)!;
        var pending = new Stack<string>(Components(path[current.Length..]).Reverse());
        int links = 0;
        try
        {
            while (pending.TryPop(out string? part))
            {
                if (part == ".")
                {
                    continue;
                }
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                string next = Path.Join(current, part);
                string? target = new FileInfo(next).LinkTarget;
                if (target is null)
                {
                    current = next;
                    continue;
                }
                if (++links > MaxLinks)
                {
                    return null;
                }
                // Walk the target's components before the rest; an absolute target starts again at its root.
                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(target)!;
                    target = target[current.Length..];
                }
                foreach (string p in Components(target).Reverse())
                {
                    pending.Push(p);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return current;
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static long ParseLong(string text, string key, string name) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new OnnxImportException($"Tensor '{name}' has an invalid external_data {key} '{text}'; it must be a whole number from 0 to {long.MaxValue}.");
}
