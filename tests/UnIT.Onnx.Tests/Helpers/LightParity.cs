using UnIT.ML.Graph;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>The light models' criterion: max |diff| at most 1e-4 of the output's scale, and the same argmax.</summary>
internal static class LightParity
{
    public const float RelativeTolerance = 1e-4f;

    /// <summary>
    /// Asserts the match and returns the max |diff|. Where the reference's two best classes are within the
    /// tolerance of each other (constant weights make many classes tie), either is accepted as the argmax.
    /// </summary>
    public static float AssertMatches(float[] expected, int[] expectedShape, Tensor actual, float scale, string context)
    {
        CollectionAssert.AreEqual(expectedShape, actual.Shape.Dimensions, $"output shape differs.\n{context}");
        float tolerance = RelativeTolerance * Math.Max(scale, float.Epsilon);
        float maxDiff = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(expected[i] - actual.Data[i]);
            Assert.IsFalse(float.IsNaN(diff) && !(float.IsNaN(expected[i]) && float.IsNaN(actual.Data[i])), $"element {i}: ORT {expected[i]}, engine {actual.Data[i]}.\n{context}");
            maxDiff = float.IsNaN(diff) ? maxDiff : Math.Max(maxDiff, diff);
        }
        Assert.IsTrue(maxDiff <= tolerance, $"max |ORT - engine| = {maxDiff} exceeds {tolerance} (1e-4 of the output scale {scale}).\n{context}");
        int row = expectedShape[^1];
        for (int r = 0; r < expected.Length / row; r++)
        {
            int ours = Parity.ArgMax(actual.Data, r * row, row);
            int theirs = Parity.ArgMax(expected, r * row, row);
            Assert.IsTrue(ours == theirs || expected[r * row + theirs] - expected[r * row + ours] <= tolerance,
                $"argmax differs in row {r}: ORT {theirs} ({expected[r * row + theirs]}), engine {ours} ({expected[r * row + ours]} in ORT).\n{context}");
        }
        return maxDiff;
    }
}
