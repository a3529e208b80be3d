using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>Batches of calibration samples cut to a sample budget.</summary>
internal static class CalibrationBatches
{
    /// <summary>The first <paramref name="maxSamples"/> samples of <paramref name="calibration"/> (all of them when there are fewer), in order.</summary>
    public static Tensor[] First(IEnumerable<Tensor> calibration, int maxSamples)
    {
        var taken = new List<Tensor>();
        int left = maxSamples;
        foreach (Tensor batch in calibration)
        {
            if (left == 0)
            {
                break;
            }
            int n = Math.Min(left, batch.Shape[0]);
            if (n > 0)
            {
                taken.Add(n == batch.Shape[0] ? batch : new Tensor(batch.Shape.WithBatch(n), batch.Data[..(n * batch.Shape.SampleSize)]));
                left -= n;
            }
        }
        return taken.ToArray();
    }
}
