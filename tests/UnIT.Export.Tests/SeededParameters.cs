using UnIT.ML.Graph;

namespace UnIT.Export.Tests;

/// <summary>Seeded random weights and biases for the small graphs the export tests build by hand.</summary>
internal sealed class SeededParameters(int seed)
{
    private readonly Random _rng = new(seed);

    /// <summary>The generator, for graphs that draw further seeds from the same sequence.</summary>
    public Random Rng => _rng;

    /// <summary>A weight tensor of the given shape, uniform in [-0.5, 0.5).</summary>
    public Tensor Weights(params int[] dims)
    {
        var shape = new Shape(dims);
        return new Tensor(shape, Enumerable.Range(0, (int)shape.ElementCount).Select(_ => (float)(_rng.NextDouble() - 0.5)).ToArray());
    }

    /// <summary>A bias vector, uniform in [-0.1, 0.1).</summary>
    public float[] Bias(int n) => Enumerable.Range(0, n).Select(_ => (float)(_rng.NextDouble() - 0.5) * 0.2f).ToArray();
}
