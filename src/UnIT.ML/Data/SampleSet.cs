using System.Runtime.InteropServices;
using UnIT.ML.Graph;

namespace UnIT.ML.Data;

/// <summary>
/// Samples read from one data file, stored flat: sample <c>i</c> is elements
/// <c>[i * SampleSize, (i + 1) * SampleSize)</c> of <see cref="Data"/>, optionally with a class label each.
/// Immutable.
/// </summary>
public sealed class SampleSet
{
    private readonly float[] _data;
    private readonly int[] _dimensions;
    private readonly int[]? _labels;

    /// <summary>Creates the set over <paramref name="data"/> (not copied; the set owns it from now on).</summary>
    /// <param name="data">All samples, one after another.</param>
    /// <param name="sampleDimensions">The shape of one sample, e.g. [28, 28] for an MNIST image or [n] for a CSV row.</param>
    /// <param name="source">Where the samples came from (a file path), for error messages.</param>
    /// <param name="labels">One class label per sample, or null.</param>
    public SampleSet(float[] data, int[] sampleDimensions, string source, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(sampleDimensions);
        ArgumentNullException.ThrowIfNull(source);
        if (sampleDimensions.Length == 0 || sampleDimensions.Any(d => d < 1))
        {
            throw new ArgumentException($"Sample dimensions must be positive; got [{string.Join(",", sampleDimensions)}].", nameof(sampleDimensions));
        }
        long size = sampleDimensions.Aggregate(1L, (a, d) => a * d);
        if (size > int.MaxValue || data.Length % size != 0)
        {
            throw new ArgumentException($"{data.Length} values do not split into samples of [{string.Join(",", sampleDimensions)}] ({size} values each).", nameof(data));
        }
        _data = data;
        _dimensions = (int[])sampleDimensions.Clone();
        SampleSize = (int)size;
        Count = data.Length / SampleSize;
        Source = source;
        if (labels is not null && labels.Length != Count)
        {
            throw new ArgumentException($"'{source}' has {Count} samples but {labels.Length} labels were given.", nameof(labels));
        }
        _labels = labels;
    }

    /// <summary>
    /// The most values (samples x values per sample) a data file may give: 2^28, 1 GiB of floats, some
    /// five times the full Fashion-MNIST training set. Readers refuse more before reading them.
    /// </summary>
    public const long MaxValues = 1L << 28;

    /// <summary>Where the samples came from (a file path), for messages.</summary>
    public string Source { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Number of values per sample.</summary>
    public int SampleSize { get; }

    /// <summary>The shape of one sample: [rows, columns] for IDX images, [columns] for CSV rows.</summary>
    public IReadOnlyList<int> SampleDimensions => _dimensions;

    /// <summary>All samples, one after another.</summary>
    public ReadOnlyMemory<float> Data => _data;

    /// <summary>One class label per sample, or null when the set has none.</summary>
    public IReadOnlyList<int>? Labels => _labels;

    /// <summary>The values of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Sample(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _data.AsSpan(index * SampleSize, SampleSize);
    }

    /// <summary>This set with labels attached; throws <see cref="DatasetException"/> naming both files when the counts differ.</summary>
    /// <param name="labels">One label per sample, in sample order.</param>
    /// <param name="labelSource">Where the labels came from, for the error message.</param>
    public SampleSet WithLabels(int[] labels, string labelSource)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != Count)
        {
            throw new DatasetException($"'{labelSource}' gives {labels.Length} labels but '{Source}' gives {Count} samples; they must match one to one.");
        }
        return new SampleSet(_data, _dimensions, Source, labels);
    }

    /// <summary>
    /// All samples as one batch shaped for a model input: [Count, ...the input's dimensions after the batch axis].
    /// The tensor holds a copy of the data.
    /// </summary>
    /// <param name="modelInputShape">The model input's shape, batch axis first (it may be dynamic).</param>
    /// <exception cref="DatasetException">A sample's size differs from what the model input needs per sample.</exception>
    public Tensor ToTensor(Shape modelInputShape) => Batch(CheckFits(modelInputShape), 0, Count);

    /// <summary>
    /// How many of these samples also occur, value for value, in <paramref name="other"/>: a test set that shares
    /// samples with the set a choice was made on is not held out. 0 when the sample sizes differ.
    /// </summary>
    public int CountSharedWith(SampleSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.SampleSize != SampleSize)
        {
            return 0;
        }
        var byHash = new Dictionary<int, List<int>>();
        for (int j = 0; j < other.Count; j++)
        {
            int hash = other.HashOf(j);
            if (!byHash.TryGetValue(hash, out List<int>? same))
            {
                byHash[hash] = same = [];
            }
            same.Add(j);
        }
        int shared = 0;
        for (int i = 0; i < Count; i++)
        {
            if (!byHash.TryGetValue(HashOf(i), out List<int>? candidates))
            {
                continue;
            }
            foreach (int j in candidates)
            {
                if (other.SampleAt(j).SequenceEqual(SampleAt(i)))
                {
                    shared++;
                    break;
                }
            }
        }
        return shared;
    }

    private ReadOnlySpan<float> SampleAt(int i) => _data.AsSpan(i * SampleSize, SampleSize);

    private int HashOf(int i)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(SampleAt(i)));
        return hash.ToHashCode();
    }

    /// <summary>
    /// All samples as one image batch [Count, C, H, W] for image shifts: shaped like the model input when that is 4-D,
    /// else from the samples' own dimensions ([H, W] as one channel, [C, H, W]), e.g. IDX digits for a model that takes
    /// them flattened. The tensor holds a copy of the data.
    /// </summary>
    /// <param name="modelInputShape">The model input's shape, batch axis first (it may be dynamic).</param>
    /// <exception cref="DatasetException">A sample's size differs from what the model input needs, or neither the model input nor the samples have a height and width.</exception>
    public Tensor ToImages(Shape modelInputShape)
    {
        int[] dims = CheckFits(modelInputShape);
        if (dims.Length != 4)
        {
            dims = _dimensions.Length switch
            {
                2 => [0, 1, _dimensions[0], _dimensions[1]],
                3 => [0, .. _dimensions],
                _ => throw new DatasetException(
                    $"Image shifts need images with a height and width, but the model input {modelInputShape} is not [N, C, H, W] and the samples of '{Source}' are [{string.Join(",", _dimensions)}]; give the images as an IDX image file."),
            };
        }
        return Batch(dims, 0, Count);
    }

    /// <summary>
    /// The samples in order as batches of <paramref name="batchSize"/> (the last may be smaller), each shaped
    /// like <see cref="ToTensor"/>. When the model input has a fixed batch size, that size is used instead.
    /// </summary>
    /// <param name="modelInputShape">The model input's shape, batch axis first (it may be dynamic).</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <exception cref="DatasetException">A sample does not fit the model input, or the count is not a multiple of the model's fixed batch size.</exception>
    public IEnumerable<Tensor> Batches(Shape modelInputShape, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int[] dims = CheckFits(modelInputShape);
        if (modelInputShape[0] != Shape.Dynamic)
        {
            batchSize = modelInputShape[0];
            if (Count % batchSize != 0)
            {
                throw new DatasetException($"The model input {modelInputShape} takes batches of exactly {batchSize}, but '{Source}' gives {Count} samples, not a multiple of {batchSize}.");
            }
        }
        return BatchesCore(dims, batchSize);
    }

    /// <summary>The samples in order as batches of <paramref name="batchSize"/>, each shaped [batch, ...<see cref="SampleDimensions"/>].</summary>
    /// <param name="batchSize">Samples per batch; the last batch may be smaller.</param>
    public IEnumerable<Tensor> Batches(int batchSize) => Batches(new Shape([Shape.Dynamic, .. _dimensions]), batchSize);

    private IEnumerable<Tensor> BatchesCore(int[] dims, int batchSize)
    {
        for (int start = 0; start < Count; start += batchSize)
        {
            yield return Batch(dims, start, Math.Min(batchSize, Count - start));
        }
    }

    private Tensor Batch(int[] dims, int start, int count)
    {
        dims[0] = count;
        return new Tensor(new Shape(dims), _data.AsSpan(start * SampleSize, count * SampleSize).ToArray());
    }

    /// <summary>The values one sample of <paramref name="modelInput"/> has; throws unless it has a batch axis and fixed dimensions after it.</summary>
    internal static int ValuesPerSample(Shape modelInput, string source)
    {
        if (modelInput.Rank < 2 || modelInput.Dimensions[1..].Contains(Shape.Dynamic))
        {
            throw new DatasetException($"The model input {modelInput} needs a batch axis and fixed dimensions after it to take samples from '{source}'.");
        }
        return modelInput.SampleSize;
    }

    /// <summary>Throws a <see cref="DatasetException"/> naming <paramref name="source"/> when <paramref name="values"/> exceeds <see cref="MaxValues"/>.</summary>
    internal static void CheckValueCount(long values, string source, string what)
    {
        if (values > MaxValues)
        {
            throw new DatasetException($"'{source}': {what} are {values} values, more than the {MaxValues} one data set may hold; select fewer samples with a range or limit.");
        }
    }

    /// <summary>Checks the per-sample size against the model input and returns its dimensions (batch axis to be filled in).</summary>
    private int[] CheckFits(Shape modelInputShape)
    {
        ArgumentNullException.ThrowIfNull(modelInputShape);
        if (Count == 0)
        {
            throw new DatasetException($"'{Source}' holds no samples.");
        }
        int[] dims = modelInputShape.Dimensions;
        int needed = ValuesPerSample(modelInputShape, Source);
        if (needed != SampleSize)
        {
            throw new DatasetException(
                $"Samples in '{Source}' have {SampleSize} values each ([{string.Join(",", _dimensions)}]), " +
                $"but the model input {modelInputShape} needs {needed} values per sample.");
        }
        return dims;
    }
}
