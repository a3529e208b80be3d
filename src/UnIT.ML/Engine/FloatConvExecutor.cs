using System.Numerics.Tensors;
using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>
/// Float32 convolution: dense fast path when nothing is pruned or counted, else the UnIT kernel with
/// per-weight thresholds precomputed. A sample whose input holds NaN or infinity (or a layer with
/// non-finite weights) runs the reference kernel, every MAC included, so NaN and infinity propagate
/// exactly as in IEEE arithmetic and ONNX Runtime instead of being skipped away.
/// </summary>
internal sealed class FloatConvExecutor : LayerExecutor
{
    private readonly ConvNode _conv;
    private readonly bool _dense;
    private readonly float[] _weightThresholds;
    private readonly DivisionOps _thresholdOps;
    private readonly ConvGeometry _geometry;
    private readonly ConvWeightCounts _counts;
    private readonly bool _finiteParameters;
    private readonly float[]? _compensation;
    private readonly long _inBoundsMacs;
    private readonly SortedListCounts? _lists;

    public FloatConvExecutor(ConvNode conv, Shape sampleShape, ThresholdSet? thresholds, IDivisionApproximator division) : base(conv, thresholds)
    {
        _conv = conv;
        _geometry = conv.Geometry(sampleShape);
        _counts = new ConvWeightCounts(_geometry, conv.Weight.Data);
        _finiteParameters = AllFinite(conv.Weight.Data) && AllFinite(conv.Bias);
        float[] t = ThresholdsOf(conv, thresholds);
        _compensation = CompensationOf(conv, thresholds);
        _dense = t.All(v => v == 0f);
        _weightThresholds = WeightThresholds(conv, t, division, ref _thresholdOps);
        _inBoundsMacs = Im2Col.InBoundsMacs(_geometry);
        // A dense-loop layer lists nothing: its kernel's counts are dropped (KernelCounts).
        _lists = DenseLoop ? null : SortedListCounts.For<float, float>(_geometry, conv.Weight.Data, _weightThresholds);
    }

    /// <summary>
    /// C = w: t(T, |w|) depends on the weight only, so it is computed once per layer, not per sample. A zero weight's
    /// MACs are zero skips, never executed: +infinity keeps the kernel's compare from passing them.
    /// </summary>
    internal static float[] WeightThresholds(PrunableNode conv, float[] t, IDivisionApproximator division, ref DivisionOps ops)
    {
        float[] w = conv.Weight.Data;
        var thresholds = new float[w.Length];
        int perChannel = w.Length / conv.OutputChannels;
        for (int i = 0; i < w.Length; i++)
        {
            thresholds[i] = w[i] != 0f
                ? division.Threshold(t.Length == 1 ? t[0] : t[i / perChannel], MathF.Abs(w[i]), ref ops)
                : float.PositiveInfinity;
        }
        return thresholds;
    }

    public override void Run(float[] input, float[] output, LayerStatistics? stats, Workspace workspace)
    {
        long macs = (long)_geometry.OutputSampleSize * _geometry.ColumnRows;
        if (!_finiteParameters || !AllFinite(input))
        {
            ConvKernel.Reference(_geometry, input, _conv.Weight.Data, _conv.Bias, output);
            CountUnpruned(stats, macs, _inBoundsMacs);
            return;
        }
        CountDenseLoop(stats, macs, _inBoundsMacs);
        stats = KernelCounts(stats);
        float[] scratch = workspace.Rent<float>(this, 0, _compensation is null ? ConvKernel.ScratchLength(_geometry) : PrunedConvKernel.CompensatedScratchLength(_geometry));
        if (_dense && stats is null)
        {
            ConvKernel.Dense(_geometry, input, _conv.Weight.Data, _conv.Bias, output, scratch);
            return;
        }
        if (_compensation is null)
        {
            PrunedConvKernel.Run(_geometry, input, _conv.Weight.Data, _conv.Bias, _weightThresholds, output, scratch, _counts, stats);
        }
        else
        {
            PrunedConvKernel.RunCompensated(_geometry, input, _conv.Weight.Data, _conv.Bias, _weightThresholds, _compensation, output, scratch, _counts, stats);
        }
        // Charged per inference, as a device without room to store them recomputes them each time.
        stats?.Division.Add(_thresholdOps);
        if (stats is not null)
        {
            _lists?.Add<float>(input, _compensation is not null, stats);
        }
    }
}
