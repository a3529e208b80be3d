using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>Int16 fixed-point fully connected layer (MSP430 emulation); thresholds come from the approximator's integer reading at run time.</summary>
internal sealed class FixedPointFullyConnectedExecutor : LayerExecutor
{
    private readonly FullyConnectedNode _fc;
    private readonly int _inBits, _outBits, _shift;
    private readonly short[] _weightTransposed;
    private readonly int[] _bias;
    private readonly int[] _thresholds;
    private readonly short[] _compensationTransposed;
    private readonly int _compensationShift;
    private readonly IDivisionApproximator _division;
    private readonly SortedColumnCounts? _columns;

    private readonly int _rows;

    public FixedPointFullyConnectedExecutor(FullyConnectedNode fc, Shape sampleShape, ThresholdSet? thresholds, IDivisionApproximator division, QuantizationPlan plan) : base(fc, thresholds)
    {
        _rows = sampleShape.SampleSize / fc.InputFeatures;
        _fc = fc;
        _inBits = plan.ValueBits(fc.Input);
        _outBits = plan.ValueBits(fc.Output);
        int weightBits = plan.WeightBits(fc.Name);
        int productBits = _inBits + weightBits;
        _shift = productBits - _outBits;
        short[] w = fc.Weight.Data.Select(v => FixedPointMath.Quantize(v, weightBits)).ToArray();
        _weightTransposed = Transpose<short>(w, fc.OutputChannels, fc.InputFeatures);
        _bias = fc.Bias is null ? [] : fc.Bias.Select(b => FixedPointMath.QuantizeWide(b, productBits)).ToArray();
        _thresholds = QuantizedThresholdsOf(fc, thresholds, productBits);
        if (CompensationOf(fc, thresholds) is { } c)
        {
            if (FixedPointFullyConnectedKernel.CompensationRefusal(fc.Name, fc.InputFeatures) is { } refusal)
            {
                throw new GraphException(refusal);
            }
            FixedPointCompensation q = FixedPointCompensation.Quantize(c, productBits);
            _compensationTransposed = TransposeHalves(q.Values, fc.OutputChannels, fc.InputFeatures);
            _compensationShift = q.Shift;
        }
        else
        {
            _compensationTransposed = [];
        }
        _division = division;
        _columns = DenseLoop ? null : SortedColumnCounts.For(_weightTransposed, fc.OutputChannels, _thresholds.Length, _compensationTransposed.Length > 0);
    }

    public override void Run(float[] input, float[] output, LayerStatistics? stats, Workspace workspace)
    {
        int k = _fc.InputFeatures, n = _fc.OutputChannels;
        short[] x = workspace.Rent<short>(this, 0, k);
        short[] y = workspace.Rent<short>(this, 1, n);
        int[] acc = workspace.Rent<int>(this, 2, _compensationTransposed.Length > 0 ? 2 * n : n);
        LayerStatistics? counts = KernelCounts(stats);
        for (int r = 0; r < _rows; r++)
        {
            CountDenseLoop(stats, (long)k * n, (long)k * n);
            for (int i = 0; i < k; i++)
            {
                x[i] = FixedPointMath.Quantize(input[r * k + i], _inBits);
            }
            FixedPointFullyConnectedKernel.RunCompensated(x, _weightTransposed, _bias, _thresholds, _compensationTransposed, _compensationShift, _division, _shift, y, acc, counts);
            if (counts is not null)
            {
                _columns?.Add(x.AsSpan(0, k), _thresholds[0], _division, counts);
            }
            for (int j = 0; j < n; j++)
            {
                output[r * n + j] = FixedPointMath.Dequantize(y[j], _outBits);
            }
        }
    }
}
