using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>
/// The training-time pruning baseline without retraining: global unstructured magnitude pruning
/// that zeroes the smallest-magnitude fraction of all prunable weights (conv and fully connected
/// together). Biases are kept.
/// </summary>
public static class MagnitudePruning
{
    /// <summary>
    /// A copy of <paramref name="graph"/> where the round(sparsity * N) weights of smallest |w| over all
    /// prunable layers are 0 (ties broken by layer order, then position, so the result is deterministic).
    /// </summary>
    public static ModelGraph Apply(ModelGraph graph, double sparsity)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!(sparsity >= 0 && sparsity < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "Magnitude-pruning sparsity must be in [0, 1).");
        }
        if (sparsity == 0)
        {
            return graph;
        }
        IReadOnlyList<PrunableNode> layers = graph.PrunableLayers;
        var all = new List<(float Magnitude, int Layer, int Index)>();
        for (int l = 0; l < layers.Count; l++)
        {
            float[] w = layers[l].Weight.Data;
            for (int i = 0; i < w.Length; i++)
            {
                all.Add((MathF.Abs(w[i]), l, i));
            }
        }
        all.Sort();
        int prune = (int)Math.Round(sparsity * all.Count);
        float[][] copies = layers.Select(l => (float[])l.Weight.Data.Clone()).ToArray();
        for (int i = 0; i < prune; i++)
        {
            copies[all[i].Layer][all[i].Index] = 0f;
        }
        return graph.WithLayers(layers.Select((l, i) => l.WithWeight(new Tensor(l.Weight.Shape, copies[i]))));
    }
}
