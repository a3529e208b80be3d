using Microsoft.ML.Data;

namespace FashionMnistPipeline;

/// <summary>One Fashion-MNIST image: 784 pixels in 0..1 and the class 0..9.</summary>
public sealed class ImageRow
{
    [VectorType(28 * 28)]
    public float[] Features { get; set; } = [];

    /// <summary>The class index; ML.NET's multiclass evaluator reads a Single label as the class.</summary>
    public float Label { get; set; }
}
