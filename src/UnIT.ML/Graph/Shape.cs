namespace UnIT.ML.Graph;

/// <summary>
/// The shape of a tensor. A dimension of <see cref="Dynamic"/> is unknown until run time
/// (in practice, the batch dimension).
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    /// <summary>Marks a dimension whose size is only known at run time.</summary>
    public const int Dynamic = -1;

    private readonly int[] _dims;

    /// <summary>
    /// Creates a shape; each dimension is positive or <see cref="Dynamic"/>, and the fixed dimensions
    /// together hold at most <see cref="Array.MaxLength"/> elements, so that a tensor of this shape
    /// (or one sample of it) fits in one array and every element count fits in an <see cref="int"/>.
    /// </summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long fixedElements = 1;
        foreach (int d in dims)
        {
            if (d < 1 && d != Dynamic)
            {
                throw new ArgumentException($"Shape dimensions must be positive or Dynamic (-1); got [{string.Join(",", dims)}].", nameof(dims));
            }
            // The product so far is at most Array.MaxLength and d is below 2^31, so this cannot overflow a long.
            fixedElements *= d == Dynamic ? 1 : d;
            if (fixedElements > Array.MaxLength)
            {
                throw new ArgumentException($"Shape [{string.Join(",", dims)}] has more than {Array.MaxLength} elements, more than one array can hold.", nameof(dims));
            }
        }
        _dims = (int[])dims.Clone();
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>The size of dimension <paramref name="axis"/>.</summary>
    public int this[int axis] => _dims[axis];

    /// <summary>The size of dimension <paramref name="axis"/>, which may count from the end (<c>^1</c> is the last).</summary>
    public int this[Index axis] => _dims[axis];

    /// <summary>The dimensions (a copy).</summary>
    public int[] Dimensions => (int[])_dims.Clone();

    /// <summary>True when no dimension is <see cref="Dynamic"/>.</summary>
    public bool IsFixed => Array.IndexOf(_dims, Dynamic) < 0;

    /// <summary>Number of elements (at most <see cref="Array.MaxLength"/>); requires a fixed shape.</summary>
    public long ElementCount
    {
        get
        {
            if (!IsFixed)
            {
                throw new InvalidOperationException($"Shape {this} has a dynamic dimension; its element count is unknown.");
            }
            long n = 1;
            foreach (int d in _dims)
            {
                n *= d;
            }
            return n;
        }
    }

    /// <summary>Number of elements per sample: the product of all dimensions after the first (at most <see cref="Array.MaxLength"/>).</summary>
    public int SampleSize
    {
        get
        {
            long n = 1;
            for (int i = 1; i < _dims.Length; i++)
            {
                if (_dims[i] == Dynamic)
                {
                    throw new InvalidOperationException($"Shape {this} has a dynamic non-batch dimension.");
                }
                n *= _dims[i];
            }
            return (int)n;
        }
    }

    /// <summary>This shape with the first (batch) dimension replaced.</summary>
    public Shape WithBatch(int batch)
    {
        int[] d = Dimensions;
        d[0] = batch;
        return new Shape(d);
    }

    /// <inheritdoc/>
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims)
        {
            h.Add(d);
        }
        return h.ToHashCode();
    }

    /// <summary>Formats as <c>[?,1,28,28]</c>, with <c>?</c> for a dynamic dimension.</summary>
    public override string ToString() => "[" + string.Join(",", _dims.Select(d => d == Dynamic ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
