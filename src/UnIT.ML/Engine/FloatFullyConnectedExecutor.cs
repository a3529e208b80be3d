using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>
/// Float32 fully connected layer: dense fast path when nothing is pruned or counted, else the UnIT kernel.
/// A row holding NaN or infinity (or a layer with non-finite weights) runs the reference kernel, every MAC
/// included, so NaN and infinity propagate as in ONNX Runtime.
/// </summary>
internal sealed class FloatFullyConnectedExecutor : LayerExecutor
{
    private readonly FullyConnectedNode _fc;
    private readonly float[] _thresholds;
    private readonly bool _dense;
    private readonly float[] _weightTransposed;
    private readonly float[]? _weightPadded;
    private readonly float[] _compensationTransposed;
    private readonly float[] _compensationPadded;
    private readonly IDivisionApproximator _division;

    private readonly int _rows;
    private readonly bool _finiteParameters;

    public FloatFullyConnectedExecutor(FullyConnectedNode fc, Shape sampleShape, ThresholdSet? thresholds, IDivisionApproximator division) : base(fc, thresholds)
    {
        _rows = sampleShape.SampleSize / fc.InputFeatures;
        _fc = fc;
        _thresholds = ThresholdsOf(fc, thresholds);
        _dense = _thresholds.All(v => v == 0f);
        _weightTransposed = Transpose<float>(fc.Weight.Data, fc.OutputChannels, fc.InputFeatures);
        _compensationTransposed = CompensationOf(fc, thresholds) is { } c ? TransposeHalves(c, fc.OutputChannels, fc.InputFeatures) : [];
        // One layer threshold: the vectorized kernel, over rows padded to whole vectors (the constants' halves too).
        _weightPadded = _thresholds.Length == 1 ? PrunedFullyConnectedKernel.Padded(_weightTransposed, fc.InputFeatures, fc.OutputChannels) : null;
        _compensationPadded = _thresholds.Length == 1 && _compensationTransposed.Length > 0
            ? PrunedFullyConnectedKernel.Padded(_compensationTransposed, 2 * fc.InputFeatures, fc.OutputChannels)
            : [];
        _division = division;
        _finiteParameters = AllFinite(fc.Weight.Data) && AllFinite(fc.Bias);
    }

    public override void Run(float[] input, float[] output, LayerStatistics? stats, Workspace workspace)
    {
        int k = _fc.InputFeatures, n = _fc.OutputChannels;
        ReadOnlySpan<float> bias = _fc.Bias;
        LayerStatistics? counts = KernelCounts(stats);
        for (int r = 0; r < _rows; r++)
        {
            ReadOnlySpan<float> x = input.AsSpan(r * k, k);
            Span<float> y = output.AsSpan(r * n, n);
            if (!_finiteParameters || !AllFinite(x))
            {
                FullyConnectedKernel.Reference(x, _fc.Weight.Data, bias, y);
                CountUnpruned(stats, (long)k * n, (long)k * n);
                continue;
            }
            CountDenseLoop(stats, (long)k * n, (long)k * n);
            if (_dense && counts is null)
            {
                FullyConnectedKernel.Dense(x, _fc.Weight.Data, bias, y);
            }
            else if (_weightPadded is not null)
            {
                PrunedFullyConnectedKernel.RunMasked(x, _weightPadded, bias, _thresholds[0], _division, y, counts, _compensationPadded);
            }
            else
            {
                PrunedFullyConnectedKernel.RunCompensated(x, _weightTransposed, bias, _thresholds, _compensationTransposed, _division, y, counts);
            }
        }
    }
}
