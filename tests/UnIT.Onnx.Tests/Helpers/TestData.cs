namespace UnIT.Onnx.Tests.Helpers;

/// <summary>Deterministic random values and the paths of the copied test assets.</summary>
internal static class TestData
{
    public static string ModelPath(string file) => Path.Combine(AppContext.BaseDirectory, "assets", "models", file);

    public static string DataPath(string folder, string file) => Path.Combine(AppContext.BaseDirectory, "assets", "data", folder, file);

    /// <summary>Uniform values in [<paramref name="lo"/>, <paramref name="hi"/>).</summary>
    public static float[] Uniform(int count, int seed, float lo = -1f, float hi = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = lo + (float)random.NextDouble() * (hi - lo);
        }
        return values;
    }

    /// <summary>Uniform values for a tensor of the given dimensions.</summary>
    public static float[] Uniform(long[] dims, int seed, float lo = -1f, float hi = 1f) =>
        Uniform((int)dims.Aggregate(1L, (a, b) => a * b), seed, lo, hi);
}
