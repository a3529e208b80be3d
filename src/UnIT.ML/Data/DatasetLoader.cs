using UnIT.ML.Graph;

namespace UnIT.ML.Data;

/// <summary>
/// Loads samples and labels from a file whose format is told by its content: IDX (magic number after
/// optional gzip) or CSV text. The file name's extension is not looked at. When the caller knows what
/// the samples are for (a model's per-sample input size and class count), pass them: the files are
/// checked against them before their contents are read.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Loads the samples in <paramref name="path"/>: IDX images or CSV rows.</summary>
    /// <param name="path">An IDX image file or a CSV file, either possibly gzip-compressed.</param>
    /// <param name="range">Which samples to load; null for all.</param>
    /// <param name="limit">The most samples to load from the start of the range; null for no limit.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">
    /// The file is neither IDX nor CSV, is malformed, holds more than <see cref="SampleSet.MaxValues"/> values,
    /// or the range lies beyond its samples.
    /// </exception>
    public static SampleSet Load(string path, RangeSpec? range = null, int? limit = null) =>
        Load(path, null, range, limit, modelInput: null);

    /// <summary>Loads samples and, when <paramref name="labelsPath"/> is given, the labels for the same range.</summary>
    /// <param name="path">The samples: an IDX image file or a CSV file.</param>
    /// <param name="labelsPath">The labels: an IDX label file or a one-column CSV file; null for none.</param>
    /// <param name="range">Which samples (and labels) to load; null for all.</param>
    /// <param name="limit">The most samples to load from the start of the range; null for no limit.</param>
    /// <exception cref="DatasetException">Either file is malformed, or they hold different numbers of entries in the range.</exception>
    public static SampleSet Load(string path, string? labelsPath, RangeSpec? range = null, int? limit = null) =>
        Load(path, labelsPath, range, limit, modelInput: null);

    /// <summary>
    /// Loads samples (and labels when <paramref name="labelsPath"/> is given) for a model: each sample must have
    /// the values one sample of <paramref name="modelInput"/> has, and each label must be below <paramref name="classCount"/>. The
    /// sizes in a file's header (or its first row) are checked before any sample is read.
    /// </summary>
    /// <param name="path">The samples: an IDX image file or a CSV file, either possibly gzip-compressed.</param>
    /// <param name="labelsPath">The labels: an IDX label file or a one-column CSV file; null for none.</param>
    /// <param name="range">Which samples (and labels) to load; null for all.</param>
    /// <param name="limit">The most samples to load from the start of the range; null for no limit.</param>
    /// <param name="modelInput">The model's input shape, batch axis first; null to accept samples of any size.</param>
    /// <param name="classCount">The number of classes (labels must be below it); null for the readers' fixed bound.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="DatasetException">
    /// A file is neither IDX nor CSV or is malformed, the samples do not fit <paramref name="modelInput"/>,
    /// a label is not a class, a file holds more than <see cref="SampleSet.MaxValues"/> values, or the files hold
    /// different numbers of entries in the range.
    /// </exception>
    public static SampleSet Load(string path, string? labelsPath, RangeSpec? range, int? limit, Shape? modelInput, int? classCount = null)
    {
        SampleSet samples = Format(path) switch
        {
            DataFileKind.Idx => IdxReader.ReadImages(path, range, limit, modelInput),
            _ => CsvReader.Read(path, range, limit, modelInput),
        };
        return labelsPath is null ? samples : samples.WithLabels(LoadLabels(labelsPath, range, limit, classCount), labelsPath);
    }

    /// <summary>Loads class labels from an IDX label file or a one-column CSV file.</summary>
    /// <param name="path">The label file, possibly gzip-compressed.</param>
    /// <param name="range">Which labels to load; null for all.</param>
    /// <param name="limit">The most labels to load from the start of the range; null for no limit.</param>
    /// <param name="classCount">The number of classes (labels must be below it); null for the readers' fixed bound.</param>
    public static int[] LoadLabels(string path, RangeSpec? range = null, int? limit = null, int? classCount = null) => Format(path) switch
    {
        DataFileKind.Idx => IdxReader.ReadLabels(path, range, limit, classCount),
        _ => CsvReader.ReadLabels(path, range, limit, classCount),
    };

    private static DataFileKind Format(string path)
    {
        DataFileKind kind = DataFile.Sniff(path);
        return kind != DataFileKind.Binary
            ? kind
            : throw new DatasetException($"'{path}' is neither an IDX file (raw or gzip) nor CSV text.");
    }
}
