using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>Float32 convolution: dense fast path when nothing is pruned or counted, else the UnIT kernel with per-weight thresholds precomputed.</summary>
internal sealed class FloatConvExecutor : LayerExecutor
{
    private readonly ConvNode _conv;
    private readonly bool _dense;
    private readonly float[] _weightThresholds;
    private readonly DivisionOps _thresholdOps;

    public FloatConvExecutor(ConvNode conv, ThresholdSet? thresholds, IDivisionApproximator division) : base(conv)
    {
        _conv = conv;
        float[] t = ThresholdsOf(conv, thresholds);
        _dense = t.All(v => v == 0f);
        float[] w = conv.Weight.Data;
        _weightThresholds = new float[w.Length];
        int perChannel = w.Length / conv.OutputChannels;
        // C = w: t(T, |w|) depends on the weight only, so it is computed once here, not per sample.
        for (int i = 0; i < w.Length; i++)
        {
            if (w[i] != 0f)
            {
                _weightThresholds[i] = division.Threshold(t.Length == 1 ? t[0] : t[i / perChannel], MathF.Abs(w[i]), ref _thresholdOps);
            }
        }
    }

    public override void Run(float[] input, Shape inShape, float[] output, Shape outShape, int batch, LayerStatistics? stats)
    {
        ConvGeometry g = _conv.Geometry(inShape);
        ReadOnlySpan<float> bias = _conv.Bias;
        var columns = new float[g.ColumnsLength];
        int[] inBounds = Im2Col.InBoundsPerKernelPosition(g);
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> x = input.AsSpan(s * g.InputSampleSize, g.InputSampleSize);
            Span<float> y = output.AsSpan(s * g.OutputSampleSize, g.OutputSampleSize);
            if (_dense && stats is null)
            {
                ConvKernel.Dense(g, x, _conv.Weight.Data, bias, y, columns);
            }
            else
            {
                PrunedConvKernel.Run(g, x, _conv.Weight.Data, bias, _weightThresholds, y, columns, inBounds, stats);
                // Charged per inference, as a device without room to store them recomputes them each time.
                stats?.Division.Add(_thresholdOps);
            }
        }
    }
}
