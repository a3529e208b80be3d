namespace UnIT.ML.Graph;

/// <summary>A dense float32 tensor in row-major order.</summary>
public sealed class Tensor
{
    /// <summary>Creates a tensor over <paramref name="data"/> (not copied; the tensor owns it from now on).</summary>
    public Tensor(Shape shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.ElementCount != data.Length)
        {
            throw new ArgumentException($"Tensor shape {shape} needs {shape.ElementCount} elements but {data.Length} were given.", nameof(data));
        }
        Shape = shape;
        Data = data;
    }

    /// <summary>Creates a zero-filled tensor.</summary>
    public Tensor(Shape shape) : this(shape, new float[shape.ElementCount])
    {
    }

    /// <summary>The fixed shape of this tensor.</summary>
    public Shape Shape { get; }

    /// <summary>The elements in row-major order.</summary>
    public float[] Data { get; }

    /// <summary>The same data viewed with another shape of equal element count.</summary>
    public Tensor Reshape(Shape shape) => new(shape, Data);
}
