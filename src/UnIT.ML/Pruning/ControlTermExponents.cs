using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// How often each exponent e(|C|) of a control term is looked up per inference on calibration data, to
/// weight a calibrated BinaryTree: every nonzero conv weight once per inference (its threshold is computed
/// once per weight), every nonzero fully connected input once per sample. For fixed-point profiles the
/// exponents are those of the quantized integers, as the device's integer tree meets them.
/// </summary>
internal static class ControlTermExponents
{
    public static Dictionary<int, long> Collect(ModelGraph graph, IEnumerable<Tensor> batches, QuantizationPlan? plan)
    {
        var counts = new Dictionary<int, long>();
        var observer = new FullyConnectedInputs(counts, plan, graph.Input.Name);
        var engine = new InferenceEngine(graph);
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, observer);
        }
        if (observer.Samples == 0)
        {
            throw new ArgumentException("Calibrating the BinaryTree pivots needs at least one calibration sample; the data is empty.", nameof(batches));
        }
        foreach (ConvNode conv in graph.PrunableLayers.OfType<ConvNode>())
        {
            int bits = plan?.WeightBits(conv.Name) ?? 0;
            foreach (float w in conv.Weight.Data)
            {
                Add(counts, w, bits, plan is not null, observer.Samples);
            }
        }
        return counts;
    }

    private static void Add(Dictionary<int, long> counts, float value, int fractionBits, bool integer, long times)
    {
        // The integer tree meets the quantized magnitude, the float tree the value itself; zeros are never looked up.
        int? exponent = integer
            ? FixedPointMath.Quantize(value, fractionBits) is var q and not 0 ? FloatExponent.Floor(Math.Abs((int)q)) : null
            : value != 0f ? FloatExponent.Floor(MathF.Abs(value)) : null;
        if (exponent is int e)
        {
            counts[e] = counts.GetValueOrDefault(e) + times;
        }
    }

    private sealed class FullyConnectedInputs(Dictionary<int, long> counts, QuantizationPlan? plan, string inputName) : IEngineObserver
    {
        public long Samples { get; private set; }

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            if (layer is not FullyConnectedNode)
            {
                return;
            }
            int bits = plan?.ValueBits(layer.Input) ?? 0;
            foreach (float x in input)
            {
                Add(counts, x, bits, plan is not null, 1);
            }
        }

        public void OnValue(string name, float[] data) => Samples += name == inputName ? 1 : 0;
    }
}
