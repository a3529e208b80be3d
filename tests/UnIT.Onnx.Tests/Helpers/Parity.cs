using UnIT.ML.Engine;
using UnIT.ML.Graph;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>Imports a model, runs it with our engine and with ONNX Runtime, and compares.</summary>
internal static class Parity
{
    public const float Tolerance = 1e-4f;

    /// <summary>
    /// Imports <paramref name="model"/>, runs both engines on a random input of shape
    /// <paramref name="inputShape"/> (values in [lo, hi)), and asserts max |diff| &lt;= 1e-4 and equal
    /// argmax per row. Returns the imported graph for further checks.
    /// </summary>
    public static ModelGraph Check(byte[] model, int[] inputShape, int seed = 7, float lo = -1f, float hi = 1f)
    {
        ModelGraph graph = OnnxImporter.Import(model);
        float[] input = TestData.Uniform(inputShape.Aggregate(1, (a, b) => a * b), seed, lo, hi);
        (float[] expected, int[] expectedShape) = OrtRunner.Run(model, input, inputShape);
        AssertClose(expected, expectedShape, RunEngine(graph, input, inputShape), graph.Summary());
        return graph;
    }

    /// <summary>Runs our dense engine.</summary>
    public static Tensor RunEngine(ModelGraph graph, float[] input, int[] shape) =>
        new InferenceEngine(graph).Run(new Tensor(new Shape(shape), (float[])input.Clone()));

    /// <summary>Asserts equal shapes, max |diff| &lt;= tolerance and the same argmax along the last axis.</summary>
    public static void AssertClose(float[] expected, int[] expectedShape, Tensor actual, string context, float tolerance = Tolerance)
    {
        CollectionAssert.AreEqual(expectedShape, actual.Shape.Dimensions, $"output shape differs.\n{context}");
        float maxDiff = 0f;
        int worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(expected[i] - actual.Data[i]);
            if (!(diff <= maxDiff))
            {
                maxDiff = diff;
                worst = i;
            }
        }
        Assert.IsTrue(maxDiff <= tolerance,
            $"max |ORT - engine| = {maxDiff} at element {worst} (ORT {expected[worst]}, engine {actual.Data[worst]}).\n{context}");
        int row = expectedShape[^1];
        for (int r = 0; r < expected.Length / row; r++)
        {
            Assert.AreEqual(ArgMax(expected, r * row, row), ArgMax(actual.Data, r * row, row), $"argmax differs in row {r}.\n{context}");
        }
    }

    public static int ArgMax(float[] values, int offset, int count)
    {
        int best = 0;
        for (int i = 1; i < count; i++)
        {
            if (values[offset + i] > values[offset + best])
            {
                best = i;
            }
        }
        return best;
    }
}
