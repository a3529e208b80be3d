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
    private readonly IDivisionApproximator _division;

    public FixedPointFullyConnectedExecutor(FullyConnectedNode fc, ThresholdSet? thresholds, IDivisionApproximator division, QuantizationPlan plan) : base(fc)
    {
        _fc = fc;
        _inBits = plan.ValueBits(fc.Input);
        _outBits = plan.ValueBits(fc.Output);
        int weightBits = plan.WeightBits(fc.Name);
        int productBits = _inBits + weightBits;
        _shift = productBits - _outBits;
        short[] w = fc.Weight.Data.Select(v => FixedPointMath.Quantize(v, weightBits)).ToArray();
        _weightTransposed = Transpose<short>(w, fc.OutputChannels, fc.InputFeatures);
        _bias = fc.Bias is null ? [] : fc.Bias.Select(b => FixedPointMath.QuantizeWide(b, productBits)).ToArray();
        _thresholds = ThresholdsOf(fc, thresholds).Select(t => FixedPointMath.QuantizeWide(t, productBits)).ToArray();
        _division = division;
    }

    public override void Run(float[] input, Shape inShape, float[] output, Shape outShape, int batch, LayerStatistics? stats)
    {
        int k = _fc.InputFeatures, n = _fc.OutputChannels;
        int rows = batch * RowsPerSample(inShape);
        var x = new short[k];
        var y = new short[n];
        var acc = new int[n];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < k; i++)
            {
                x[i] = FixedPointMath.Quantize(input[r * k + i], _inBits);
            }
            FixedPointFullyConnectedKernel.Run(x, _weightTransposed, _bias, _thresholds, _division, _shift, y, acc, stats);
            for (int j = 0; j < n; j++)
            {
                output[r * n + j] = FixedPointMath.Dequantize(y[j], _outBits);
            }
        }
    }
}
