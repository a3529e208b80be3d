using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Engine;

/// <summary>
/// A prunable layer prepared for one engine configuration: weights rearranged or quantized and
/// thresholds precomputed once, so each run only does the per-sample work. Immutable, thread-safe.
/// </summary>
internal abstract class LayerExecutor
{
    protected LayerExecutor(PrunableNode layer) => Layer = layer;

    public PrunableNode Layer { get; }

    /// <summary>Runs the layer on one sample; counts go to <paramref name="stats"/> when given; scratch comes from <paramref name="workspace"/>.</summary>
    public abstract void Run(float[] input, float[] output, LayerStatistics? stats, Workspace workspace);

    /// <summary>The layer's thresholds (one or one per group), or a single 0 when the set has none.</summary>
    protected static float[] ThresholdsOf(PrunableNode layer, ThresholdSet? set)
    {
        float[]? t = set?.For(layer.Name);
        if (t is null)
        {
            return [0f];
        }
        if (t.Length != 1 && t.Length != layer.OutputChannels)
        {
            throw new GraphException($"Layer '{layer.Name}' has {layer.OutputChannels} output channels but the threshold set gives {t.Length} thresholds; give 1 or {layer.OutputChannels}.");
        }
        return t;
    }

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
