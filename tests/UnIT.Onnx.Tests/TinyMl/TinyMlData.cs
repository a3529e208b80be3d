using System.Globalization;
using System.Text;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>Seeded data sets for the tiny-ML models in the files the command line reads.</summary>
internal static class TinyMlData
{
    /// <summary>Writes <paramref name="rows"/> seeded samples in [0, 1), one flattened sample of <paramref name="sampleSize"/> values per CSV row.</summary>
    public static string Csv(string path, int rows, int sampleSize, int seed)
    {
        float[] values = TestData.Uniform(rows * sampleSize, seed, 0f, 1f);
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            text.AppendJoin(',', values[(r * sampleSize)..((r + 1) * sampleSize)].Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Writes <paramref name="rows"/> seeded class labels below <paramref name="classes"/>, one per line.</summary>
    public static string Labels(string path, int rows, int classes, int seed)
    {
        var random = new Random(seed);
        File.WriteAllLines(path, Enumerable.Range(0, rows).Select(_ => random.Next(classes).ToString(CultureInfo.InvariantCulture)));
        return path;
    }
}
