using UnIT.ML.Graph;

namespace UnIT.ML.Tests.Kernels;

/// <summary>Single-layer graphs and random data for kernel tests.</summary>
internal static class TestGraphs
{
    public static float[] Random(Random rng, int n, double zeroFraction, float scale = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = rng.NextDouble() < zeroFraction ? 0f : (float)(rng.NextDouble() * 2 - 1) * scale;
        }
        return a;
    }

    public static ModelGraph Conv(int batch, int channels, int h, int w, int outChannels, int kh, int kw,
        int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations, int groups, Random rng, bool oneD = false)
    {
        int[] wShape = oneD ? [outChannels, channels / groups, kw] : [outChannels, channels / groups, kh, kw];
        var weight = new Tensor(new Shape(wShape), Random(rng, wShape.Aggregate(1, (a, b) => a * b), 0.1, 0.5f));
        var conv = new ConvNode("conv", "x", "y", weight, Random(rng, outChannels, 0, 0.1f), strides, padsBegin, padsEnd, dilations, groups);
        Shape input = oneD ? new Shape(Shape.Dynamic, channels, w) : new Shape(Shape.Dynamic, channels, h, w);
        return new ModelGraph(new ValueInfo("x", input), [conv], ["y"]);
    }

    public static ModelGraph FullyConnected(int k, int n, Random rng)
    {
        var weight = new Tensor(new Shape(n, k), Random(rng, n * k, 0.1, 0.5f));
        var fc = new FullyConnectedNode("fc", "x", "y", weight, Random(rng, n, 0, 0.1f));
        return new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, k)), [fc], ["y"]);
    }
}
