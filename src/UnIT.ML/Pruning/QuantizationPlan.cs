using UnIT.ML.Graph;
using UnIT.ML.Graph.Ops;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// Power-of-two Q formats for the fixed-point profile, chosen from calibration ranges: the number
/// of fractional bits of every graph value (activation tensor) and of every prunable layer's weights.
/// </summary>
public sealed class QuantizationPlan
{
    /// <summary>Value name to its fractional bits.</summary>
    public Dictionary<string, int> Values { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Prunable layer name to its weights' fractional bits.</summary>
    public Dictionary<string, int> Weights { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Fractional bits of a value; throws when the plan does not cover it.</summary>
    public int ValueBits(string value) => Values.TryGetValue(value, out int f)
        ? f
        : throw new InvalidOperationException($"The quantization plan has no Q format for value '{value}'; calibrate it for this model.");

    /// <summary>Fractional bits of a layer's weights; throws when the plan does not cover it.</summary>
    public int WeightBits(string layer) => Weights.TryGetValue(layer, out int f)
        ? f
        : throw new InvalidOperationException($"The quantization plan has no Q format for the weights of layer '{layer}'; calibrate it for this model.");

    /// <summary>
    /// Checks that every Q format is within [<see cref="FixedPointMath.MinFractionBits"/>, <see cref="FixedPointMath.MaxFractionBits"/>],
    /// the range calibration chooses from.
    /// </summary>
    /// <exception cref="ArgumentException">Naming the first value or layer whose Q format is out of range.</exception>
    public void CheckRanges()
    {
        foreach ((string kind, Dictionary<string, int> formats) in new[] { ("value", Values), ("weights of layer", Weights) })
        {
            foreach ((string name, int bits) in formats ?? [])
            {
                if (bits < FixedPointMath.MinFractionBits || bits > FixedPointMath.MaxFractionBits)
                {
                    throw new ArgumentException(
                        $"The Q format of {kind} '{name}' has {bits} fractional bits; it must be in [{FixedPointMath.MinFractionBits}, {FixedPointMath.MaxFractionBits}].");
                }
            }
        }
    }

    /// <summary>
    /// Checks the plan against the model: a Q format within range for the graph input, every node output and
    /// every prunable layer's weights, and weight formats that neither saturate the largest weight nor
    /// leave it fewer than 4 significant bits.
    /// </summary>
    /// <exception cref="ArgumentException">Naming every value or layer that is missing, and the first format that does not fit.</exception>
    public void Validate(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        CheckRanges();
        string[] missingValues = graph.Nodes.Select(n => n.Output).Prepend(graph.Input.Name).Distinct()
            .Where(v => !Values.ContainsKey(v)).ToArray();
        string[] missingWeights = graph.PrunableLayers.Select(l => l.Name).Where(l => !Weights.ContainsKey(l)).ToArray();
        if (missingValues.Length + missingWeights.Length > 0)
        {
            string values = missingValues.Length > 0 ? $"value(s) {string.Join(", ", missingValues.Select(v => $"'{v}'"))}" : "";
            string weights = missingWeights.Length > 0 ? $"weights of layer(s) {string.Join(", ", missingWeights.Select(v => $"'{v}'"))}" : "";
            throw new ArgumentException(
                $"The quantization plan has no Q format for {string.Join(" and ", new[] { values, weights }.Where(t => t.Length > 0))} of model '{graph.Name}'; calibrate it for this model.");
        }
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            float max = layer.Weight.Data.Max(MathF.Abs);
            int bits = Weights[layer.Name];
            double scaled = Math.ScaleB(max, bits);
            if (max > 0 && (scaled > short.MaxValue || (scaled < 1 << 3 && bits < FixedPointMath.FractionBitsFor(max))))
            {
                throw new ArgumentException(
                    $"The Q format of layer '{layer.Name}''s weights ({bits} fractional bits) does not fit them: the largest weight {max} becomes {scaled:G6} " +
                    $"(it must stay within int16 and keep at least 4 significant bits or the most the range allows; calibration chooses {FixedPointMath.FractionBitsFor(max)}).");
            }
        }
    }

    /// <summary>
    /// This plan with each weight format that would saturate <paramref name="graph"/>'s largest weight of its layer
    /// coarsened to the one calibration chooses for it; this plan itself when none does. A plan calibrated on a
    /// magnitude-pruned copy can give a layer whose large weights were removed a finer format than the unpruned layer fits.
    /// </summary>
    internal QuantizationPlan WithWeightsFitting(ModelGraph graph)
    {
        var weights = new Dictionary<string, int>(Weights, StringComparer.Ordinal);
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            float max = layer.Weight.Data.Max(MathF.Abs);
            if (weights.TryGetValue(layer.Name, out int bits) && Math.ScaleB(max, bits) > short.MaxValue)
            {
                weights[layer.Name] = FixedPointMath.FractionBitsFor(max);
            }
        }
        return weights.All(w => Weights[w.Key] == w.Value) ? this : new QuantizationPlan { Values = Values, Weights = weights };
    }

    /// <summary>
    /// Each value with every value that shares its Q format because an op between them only moves or selects values
    /// (so no precision is lost there); the first value of each list is the one the others take their format from.
    /// </summary>
    internal static Dictionary<string, List<string>> SharedGrids(ModelGraph graph)
    {
        var grids = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [graph.Input.Name] = [graph.Input.Name] };
        foreach (Node node in graph.Nodes)
        {
            if (OpTable.KeepsInputGrid(node))
            {
                List<string> grid = grids[node.Input];
                grid.Add(node.Output);
                grids[node.Output] = grid;
            }
            else
            {
                grids[node.Output] = [node.Output];
            }
        }
        return grids;
    }
}
