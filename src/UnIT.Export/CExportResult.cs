namespace UnIT.Export;

/// <summary>
/// The generated C files and their memory figures. <see cref="ConstantBytes"/> and <see cref="RamBytes"/> are
/// counted from the arrays the generator emits (element sizes of the target: int16/int32 or float32); code bytes
/// depend on the compiler and are measured by the MCU bench.
/// </summary>
public sealed class CExportResult
{
    internal CExportResult(string model, string profile, bool dense, IReadOnlyDictionary<string, string> files,
        long constantBytes, long arenaBytes, long scratchBytes, long accumulatorBytes, IReadOnlyList<string> layers)
    {
        Model = model;
        Profile = profile;
        Dense = dense;
        Files = files;
        ConstantBytes = constantBytes;
        ArenaBytes = arenaBytes;
        ScratchBytes = scratchBytes;
        AccumulatorBytes = accumulatorBytes;
        Layers = layers;
    }

    /// <summary>Header with the API (<c>unit_model.h</c>).</summary>
    public const string HeaderFile = "unit_model.h";

    /// <summary>Header with the constants (<c>unit_model_data.h</c>), included once by the source.</summary>
    public const string DataFile = "unit_model_data.h";

    /// <summary>Source with the kernels and the graph (<c>unit_model.c</c>).</summary>
    public const string SourceFile = "unit_model.c";

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The target profile the code is for (msp430 or max78000).</summary>
    public string Profile { get; }

    /// <summary>True for the dense variant.</summary>
    public bool Dense { get; }

    /// <summary>File name to contents.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>Bytes of constant arrays: weights, biases, thresholds, geometry tables.</summary>
    public long ConstantBytes { get; }

    /// <summary>Bytes of the static activation arena, sized by buffer liveness.</summary>
    public long ArenaBytes { get; }

    /// <summary>
    /// Bytes of the static scratch: the accumulators of the largest (padded) layer plane, the sorted lists' starts, and the lists
    /// (msp430: those that found no room in the arena; max78000: all, in <c>unit_list</c>); 0 for a float build without sorted lists.
    /// </summary>
    public long ScratchBytes { get; }

    /// <summary>
    /// Bytes of the accumulators (<c>unit_acc</c>, part of <see cref="ScratchBytes"/>: int32 on the msp430, float for the max78000's
    /// sorted-list convolutions), which every MAC of their layers reads and writes: a firmware may place them apart from the
    /// other buffers by defining <c>UNIT_ACC_ATTR</c>.
    /// </summary>
    public long AccumulatorBytes { get; }

    /// <summary>Static RAM of the model: arena plus scratch (the counters of a UNIT_COUNT build and the stack come on top).</summary>
    public long RamBytes => ArenaBytes + ScratchBytes;

    /// <summary>Prunable layers in counter order (index i of <c>unit_counts</c>).</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>
    /// Writes the files into <paramref name="directory"/> (created when missing). Refuses, naming the file, to
    /// overwrite an existing file unless <paramref name="force"/>.
    /// </summary>
    /// <exception cref="IOException">When a file exists and <paramref name="force"/> is false.</exception>
    public void WriteTo(string directory, bool force)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        if (!force)
        {
            foreach (string name in Files.Keys)
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    throw new IOException($"'{path}' exists; give --force to overwrite it.");
                }
            }
        }
        foreach ((string name, string text) in Files)
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }
    }
}
