using UnIT.ML.Graph;

namespace UnIT.Onnx.Importing;

/// <summary>
/// A tensor whose value is known at import time: an initializer, a Constant node's value, or the
/// result of folding a shape computation. Floating-point types are held as float, integer and
/// boolean types as int64. An integer entry may be <see cref="Unknown"/>: Shape of a value with a
/// dynamic batch axis yields one, and folding carries it along; arithmetic that turns the batch size
/// into something else (b * c) gives <see cref="BatchDependent"/>.
/// </summary>
internal sealed class ConstantTensor
{
    /// <summary>
    /// An integer entry known only at run time (the dynamic batch size). An arbitrary value: not
    /// INT64_MIN or INT64_MIN + 1, which exporters write as Slice bounds.
    /// </summary>
    public const long Unknown = -0x1234_5678_9ABC_DEF0;

    /// <summary>
    /// An integer entry computed from the batch size but not equal to it (b * c, b + 1): a shape built
    /// from it mixes samples, so no importer may treat it as the batch axis.
    /// </summary>
    public const long BatchDependent = -0x1234_5678_9ABC_DEF1;

    private readonly float[]? _floats;
    private readonly long[]? _ints;

    private ConstantTensor(long[] dims, float[]? floats, long[]? ints)
    {
        Dims = dims;
        _floats = floats;
        _ints = ints;
        long count = ElementCount(dims);
        if (count != (floats?.Length ?? ints!.Length))
        {
            throw new ArgumentException($"Constant of shape [{string.Join(",", dims)}] needs {count} values but has {floats?.Length ?? ints!.Length}.");
        }
    }

    /// <summary>The dimensions (rank 0 for a scalar).</summary>
    public long[] Dims { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements.</summary>
    public int Count => _floats?.Length ?? _ints!.Length;

    /// <summary>True when the values are integers (int64 storage).</summary>
    public bool IsInteger => _ints is not null;

    /// <summary>True when some integer entry is <see cref="Unknown"/> or <see cref="BatchDependent"/>.</summary>
    public bool HasUnknown => _ints is not null && (Array.IndexOf(_ints, Unknown) >= 0 || Array.IndexOf(_ints, BatchDependent) >= 0);

    /// <summary>True for <see cref="Unknown"/> and <see cref="BatchDependent"/>.</summary>
    public static bool IsRuntimeEntry(long value) => value is Unknown or BatchDependent;

    /// <summary>A floating-point constant.</summary>
    public static ConstantTensor FromFloats(long[] dims, float[] values) => new(dims, values, null);

    /// <summary>An integer constant.</summary>
    public static ConstantTensor FromInts(long[] dims, long[] values) => new(dims, null, values);

    /// <summary>A 1-D integer constant.</summary>
    public static ConstantTensor Vector(params long[] values) => FromInts([values.Length], values);

    /// <summary>The product of <paramref name="dims"/> (1 for a scalar).</summary>
    public static long ElementCount(long[] dims)
    {
        long n = 1;
        foreach (long d in dims)
        {
            n = checked(n * d);
        }
        return n;
    }

    /// <summary>The values as float; integer entries are converted. Callers reject <see cref="HasUnknown"/> first.</summary>
    public float[] Floats()
    {
        if (_floats is not null)
        {
            return _floats;
        }
        return Array.ConvertAll(_ints!, v => (float)v);
    }

    /// <summary>The values as int64; floats are truncated toward zero, as ONNX Cast does.</summary>
    public long[] Ints() => _ints ?? Array.ConvertAll(_floats!, v => (long)v);

    /// <summary>The same values with other dimensions of equal element count.</summary>
    public ConstantTensor WithDims(long[] dims) => new(dims, _floats, _ints);

    /// <summary>A new constant of the same kind whose element i is this constant's element <paramref name="source"/>[i].</summary>
    public ConstantTensor Select(long[] dims, int[] source) => _floats is not null
        ? new(dims, Array.ConvertAll(source, i => _floats[i]), null)
        : new(dims, null, Array.ConvertAll(source, i => _ints![i]));

    /// <summary>Row-major strides of <see cref="Dims"/>.</summary>
    public long[] Strides()
    {
        var s = new long[Rank];
        long n = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            s[i] = n;
            n *= Dims[i];
        }
        return s;
    }

    /// <summary>This constant as a graph tensor (float, every dimension at least 1).</summary>
    public Tensor ToTensor() => new(new Shape(Array.ConvertAll(Dims, d => checked((int)d))), Floats());

    /// <summary>Formats the dimensions as <c>[2,3]</c>.</summary>
    public string DimsText => "[" + string.Join(",", Dims) + "]";
}
