using System.Numerics.Tensors;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>
/// A prunable layer prepared for one engine configuration: weights rearranged or quantized and
/// thresholds precomputed once, so each run only does the per-sample work. Immutable, thread-safe.
/// </summary>
internal abstract class LayerExecutor
{
    protected LayerExecutor(PrunableNode layer, ThresholdSet? set)
    {
        Layer = layer;
        DenseLoop = set?.RunsDenseLoop(layer.Name) == true;
    }

    public PrunableNode Layer { get; }

    /// <summary>Whether a deployed build runs this layer by the plain dense loop (<see cref="ThresholdSet.DenseLayers"/>).</summary>
    protected bool DenseLoop { get; }

    /// <summary>Runs the layer on one sample; counts go to <paramref name="stats"/> when given; scratch comes from <paramref name="workspace"/>.</summary>
    public abstract void Run(float[] input, float[] output, LayerStatistics? stats, Workspace workspace);

    /// <summary>
    /// Where the kernel counts: a dense-loop layer's kernel runs on a tally of its own that is dropped, as its outputs are
    /// those of threshold 0 but its counts are the dense loop's (<see cref="CountDenseLoop"/>).
    /// </summary>
    protected LayerStatistics? KernelCounts(LayerStatistics? stats) => DenseLoop && stats is not null ? new LayerStatistics(Layer.Name) : stats;

    /// <summary>
    /// Charges a dense-loop layer's run of one sample (or row), of <paramref name="macs"/> MACs of which <paramref name="inBounds"/>
    /// meet no padding, to <paramref name="stats"/>.
    /// </summary>
    protected void CountDenseLoop(LayerStatistics? stats, long macs, long inBounds)
    {
        if (DenseLoop)
        {
            stats?.AddDense(macs, inBounds);
        }
    }

    /// <summary>Counts a run of one sample (or row) that skipped nothing because its input was not finite, as the layer's loop counts it.</summary>
    protected void CountUnpruned(LayerStatistics? stats, long macs, long inBounds)
    {
        if (DenseLoop)
        {
            stats?.AddDense(macs, inBounds);
        }
        else
        {
            stats?.AddUnpruned(macs);
        }
    }

    /// <summary>The layer's thresholds (one or one per group, as <see cref="ThresholdSet.Validate"/> checked), or a single 0 without a set.</summary>
    protected static float[] ThresholdsOf(PrunableNode layer, ThresholdSet? set) => set?.For(layer.Name) ?? [0f];

    /// <summary>
    /// The layer's thresholds in its product Q format (<paramref name="productBits"/>): the set's integer ones when it has
    /// them, else its float ones quantized; a single 0 without a set.
    /// </summary>
    internal static int[] QuantizedThresholdsOf(PrunableNode layer, ThresholdSet? set, int productBits) =>
        set?.QuantizedFor(layer.Name) ?? ThresholdsOf(layer, set).Select(t => Kernels.FixedPointMath.QuantizeWide(t, productBits)).ToArray();

    /// <summary>The layer's skip-compensation constants (<see cref="ThresholdSet.SkipCompensations"/>), or null for none.</summary>
    protected static float[]? CompensationOf(PrunableNode layer, ThresholdSet? set)
    {
        float[]? constants = set?.SkipCompensations?.GetValueOrDefault(layer.Name);
        float[] w = layer.Weight.Data;
        // A zero weight's MACs are zero skips, never compensated (SkipCompensation gives it 0; a hand-edited set might not).
        return constants?.Select((c, i) => w[i % w.Length] == 0f ? 0f : c).ToArray();
    }

    /// <summary>A fully connected layer's constants with each half (positive, negative activations) transposed as its weights are.</summary>
    protected static T[] TransposeHalves<T>(T[] constants, int rows, int cols) =>
        [.. Transpose<T>(constants.AsSpan(0, constants.Length / 2), rows, cols), .. Transpose<T>(constants.AsSpan(constants.Length / 2), rows, cols)];

    /// <summary>True when no value is NaN or infinite (an empty span is finite).</summary>
    protected static bool AllFinite(ReadOnlySpan<float> values) => values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(values));

    /// <summary>Transposes a [N, K] matrix to [K, N].</summary>
    protected static T[] Transpose<T>(ReadOnlySpan<T> matrix, int rows, int cols)
    {
        var t = new T[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                t[c * rows + r] = matrix[r * cols + c];
            }
        }
        return t;
    }
}
