using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// Makes the fixed-point plan's int32 accumulators wide enough for what calibration saw. A prunable layer
/// accumulates in Q(input bits + weight bits), so the accumulator holds only about ±2^(31 - qin - qw) in
/// real terms; with both operands scaled to fill int16 that is 2 to 8 times the largest single product,
/// which a sum over hundreds of products easily passes, and a saturated accumulator is a plausible wrong
/// number. Each layer therefore gets <see cref="HeadroomBits"/> bits above its largest calibrated output:
/// its weights give up fractional bits first (down to <see cref="MinWeightSignificantBits"/> significant
/// bits for the largest weight), then its input value (with every value sharing that value's grid).
/// </summary>
internal static class AccumulatorHeadroom
{
    /// <summary>The accumulator holds at least 2^HeadroomBits times the largest calibrated output (partial sums and unseen data may exceed it).</summary>
    public const int HeadroomBits = 2;

    /// <summary>Weights keep at least this many significant bits for their largest magnitude before the input format is coarsened instead.</summary>
    public const int MinWeightSignificantBits = 10;

    /// <summary>
    /// Lowers weight and input formats of <paramref name="plan"/> until every layer's accumulator has headroom; returns
    /// null, or what stops it (naming the layer) when a layer cannot get the headroom within the Q format limits.
    /// </summary>
    /// <param name="graph">The model.</param>
    /// <param name="plan">Q formats chosen from calibration ranges; changed in place.</param>
    /// <param name="maxAbs">Largest magnitude of each value over the calibration data.</param>
    /// <param name="grids">Each value with the values sharing its Q format (<see cref="QuantizationPlan.SharedGrids"/>).</param>
    public static string? Reserve(ModelGraph graph, QuantizationPlan plan, IReadOnlyDictionary<string, float> maxAbs,
        IReadOnlyDictionary<string, List<string>> grids)
    {
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            float outMax = maxAbs.GetValueOrDefault(layer.Output);
            if (!(outMax > 0))
            {
                continue;
            }
            // Largest product format with 2^(31 - bits) >= 2^HeadroomBits * outMax.
            int allowed = 31 - HeadroomBits - (int)Math.Ceiling(Math.Log2(outMax));
            int excess = plan.ValueBits(layer.Input) + plan.WeightBits(layer.Name) - allowed;
            if (excess <= 0)
            {
                continue;
            }
            float weightMax = layer.Weight.Data.Max(MathF.Abs);
            int weightFloor = weightMax > 0 ? MinWeightSignificantBits - 1 - (int)Math.Floor(Math.Log2(weightMax)) : plan.WeightBits(layer.Name);
            int fromWeights = Math.Clamp(plan.WeightBits(layer.Name) - Math.Max(weightFloor, FixedPointMath.MinFractionBits), 0, excess);
            plan.Weights[layer.Name] -= fromWeights;
            excess -= fromWeights;
            if (excess == 0)
            {
                continue;
            }
            int inputBits = plan.ValueBits(layer.Input) - excess;
            if (inputBits < FixedPointMath.MinFractionBits)
            {
                return $"Layer '{layer.Name}' ({layer.OpName}) cannot be given fixed-point formats whose int32 accumulator holds its outputs (up to {outMax:G4} in calibration): " +
                    $"its input '{layer.Input}' would need {inputBits} fractional bits (at least {FixedPointMath.MinFractionBits}).";
            }
            foreach (string value in grids[layer.Input])
            {
                plan.Values[value] = inputBits;
            }
        }
        return null;
    }
}
