using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>Int16 fixed-point convolution (MSP430 emulation): weights, bias and per-weight thresholds quantized once.</summary>
internal sealed class FixedPointConvExecutor : LayerExecutor
{
    private readonly ConvNode _conv;
    private readonly int _inBits, _outBits, _shift;
    private readonly short[] _weight;
    private readonly int[] _bias;
    private readonly int[] _weightThresholds;
    private readonly DivisionOps _thresholdOps;
    private readonly ConvGeometry _geometry;
    private readonly int[] _inBounds;
    private readonly int[] _inBoundsRows;
    private readonly int[] _compensation;
    private readonly long _inBoundsMacs;
    private readonly SortedListCounts? _lists;

    public FixedPointConvExecutor(ConvNode conv, Shape sampleShape, ThresholdSet? thresholds, IDivisionApproximator division, QuantizationPlan plan) : base(conv, thresholds)
    {
        _conv = conv;
        _geometry = conv.Geometry(sampleShape);
        _inBounds = Im2Col.InBoundsPerKernelPosition(_geometry);
        _inBoundsRows = Im2Col.InBoundsRowsPerKernelPosition(_geometry);
        _inBits = plan.ValueBits(conv.Input);
        _outBits = plan.ValueBits(conv.Output);
        int weightBits = plan.WeightBits(conv.Name);
        int productBits = _inBits + weightBits;
        _shift = productBits - _outBits;
        _weight = conv.Weight.Data.Select(w => FixedPointMath.Quantize(w, weightBits)).ToArray();
        _bias = conv.Bias is null ? [] : conv.Bias.Select(b => FixedPointMath.QuantizeWide(b, productBits)).ToArray();
        _weightThresholds = WeightThresholds(_weight, conv.OutputChannels, QuantizedThresholdsOf(conv, thresholds, productBits), division, ref _thresholdOps);
        _compensation = CompensationOf(conv, thresholds) is { } c ? FixedPointCompensation.Quantize(c, productBits).Added : [];
        _inBoundsMacs = Im2Col.InBoundsMacs(_geometry);
        // A dense-loop layer lists nothing: its kernel's counts are dropped (KernelCounts).
        _lists = DenseLoop ? null : SortedListCounts.For<short, int>(_geometry, _weight, _weightThresholds);
    }

    /// <summary>C = w: each nonzero weight's integer threshold t(T_q, |w_q|), computed once per layer (0 for a zero weight, whose MACs never run).</summary>
    internal static int[] WeightThresholds(short[] weight, int outputChannels, int[] tq, IDivisionApproximator division, ref DivisionOps ops)
    {
        var thresholds = new int[weight.Length];
        int perChannel = weight.Length / outputChannels;
        for (int i = 0; i < weight.Length; i++)
        {
            if (weight[i] != 0)
            {
                thresholds[i] = division.Threshold(tq.Length == 1 ? tq[0] : tq[i / perChannel], Math.Abs((int)weight[i]), ref ops);
            }
        }
        return thresholds;
    }

    public override void Run(float[] input, float[] output, LayerStatistics? stats, Workspace workspace)
    {
        ConvGeometry g = _geometry;
        short[] x = workspace.Rent<short>(this, 0, g.InputSampleSize);
        short[] y = workspace.Rent<short>(this, 1, g.OutputSampleSize);
        int[] acc = workspace.Rent<int>(this, 2, g.OutH * g.OutW);
        short[] columns = workspace.Rent<short>(this, 3, g.ColumnsLength);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = FixedPointMath.Quantize(input[i], _inBits);
        }
        CountDenseLoop(stats, (long)g.OutputSampleSize * g.ColumnRows, _inBoundsMacs);
        stats = KernelCounts(stats);
        FixedPointConvKernel.RunCompensated(g, x, _weight, _bias, _weightThresholds, _compensation, _shift, y, acc, columns, _inBounds, _inBoundsRows, stats);
        stats?.Division.Add(_thresholdOps);
        if (stats is not null)
        {
            _lists?.Add<short>(x, _compensation.Length > 0, stats);
        }
        for (int i = 0; i < y.Length; i++)
        {
            output[i] = FixedPointMath.Dequantize(y[i], _outBits);
        }
    }
}
