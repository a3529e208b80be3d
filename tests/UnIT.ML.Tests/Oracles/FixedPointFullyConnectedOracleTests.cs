using System.Numerics;
using UnIT.ML.Division;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// <see cref="FixedPointFullyConnectedKernel"/> against a MAC-by-MAC integer oracle written from method.md: for FC the
/// control term is the input (C = x, Z = w); a MAC runs only when |w| &gt; t(T, |x|) and both operands are nonzero;
/// accumulators start at the bias and add x * w with int32 saturation in input order; the result is shifted right with
/// round-half-up and saturated to int16. t is BitShift's T &gt;&gt; (shifts of |x| until it is 1), or for exact division
/// the integer quotient, for which |w| &gt; floor(T / |x|) is the same as |x| * |w| &gt; T, so the oracle divides nothing.
/// Counts follow the kernel's documented definitions: one zero test and one read per input, one threshold test and one
/// weight read per (nonzero input, neuron); one threshold per nonzero input, or per (nonzero input, neuron) when
/// thresholds are group-wise, where the C's grouped loop instead finds each nonzero input's exponent once and looks up a
/// threshold per neuron (GroupedInputs: the nonzero inputs; GroupedOutputs: the neurons; both 0 with one threshold), and
/// with one threshold its tested loop finds the exponent and looks the threshold up once per nonzero input (TestedInputs and
/// TestedOutputs alike; both 0 with a threshold per neuron).
/// </summary>
[TestClass]
public sealed class FixedPointFullyConnectedOracleTests
{
    private sealed record Scenario(string Name, int K, int N, int XMax, int WMax, int BiasMax, int Shift, bool PerNeuron, int ThresholdMax, bool SkipsSome);

    private sealed record Expected(short[] Output, long Executed, long SkippedZero, long SkippedThreshold,
        long Comparisons, long WeightReads, long ActivationReads, long ThresholdComputations, long BitShiftSteps, bool AccumulatorSaturated,
        long GroupedInputs, long GroupedOutputs, long TestedInputs, long TestedOutputs);

    private static readonly Scenario[] Scenarios =
    [
        // Q12 inputs, Q14 weights, product Q26, output Q10: shift 16; T about 0.06 in Q26.
        new("layer threshold", 40, 7, 2048, 8192, 1 << 20, 16, false, 1 << 22, true),
        new("one threshold per neuron", 40, 7, 2048, 8192, 1 << 20, 16, true, 1 << 23, true),
        new("no bias", 33, 5, 2048, 8192, 0, 16, false, 1 << 22, true),
        // Near-full-scale operands (short.MinValue included): the int32 accumulator saturates, in both directions.
        new("accumulator saturation", 24, 6, 32768, 32768, 1 << 30, 15, false, 1 << 26, true),
        new("per-neuron thresholds with saturation", 24, 6, 32768, 32768, 1 << 30, 15, true, 1 << 29, true),
        // Product Q13 to output Q15: the accumulator is shifted left and saturates to int16.
        new("negative output shift", 30, 6, 64, 128, 1 << 8, -2, false, 1 << 9, true),
        new("threshold 0", 30, 6, 2048, 8192, 1 << 20, 16, false, 0, false),
        new("threshold int32 max", 30, 6, 2048, 8192, 1 << 20, 16, false, int.MaxValue, false),
    ];

    public static IEnumerable<object[]> Cases() =>
        from s in Scenarios from d in new[] { "bitshift", "exact" } select new object[] { s.Name, d };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Kernel_matches_the_integer_oracle(string scenario, string division)
    {
        Scenario s = Scenarios.Single(c => c.Name == scenario);
        var rng = new Random(scenario.Length * 7 + division.Length);
        bool accumulatorSaturated = false, outputSaturated = false;
        for (int sample = 0; sample < 3; sample++)
        {
            short[] x = RandomShorts(rng, s.K, s.XMax, 0.3);
            short[] w = RandomShorts(rng, s.N * s.K, s.WMax, 0.1); // [N, K], as the model stores it
            int[] bias = s.BiasMax == 0 ? [] : Enumerable.Range(0, s.N).Select(_ => rng.Next(-s.BiasMax, s.BiasMax)).ToArray();
            int[] thresholds = s.PerNeuron
                ? Enumerable.Range(0, s.N).Select(j => j == 0 ? 0 : rng.Next(0, s.ThresholdMax)).ToArray()
                : [s.ThresholdMax == int.MaxValue ? int.MaxValue : s.ThresholdMax == 0 ? 0 : rng.Next(s.ThresholdMax / 2, s.ThresholdMax)];
            Expected e = Oracle(x, w, bias, thresholds, division == "bitshift", s.Shift, s.N);
            var transposed = new short[s.K * s.N];
            for (int j = 0; j < s.N; j++)
            {
                for (int k = 0; k < s.K; k++)
                {
                    transposed[k * s.N + j] = w[j * s.K + k];
                }
            }
            var output = new short[s.N];
            var stats = new LayerStatistics("fc");

            FixedPointFullyConnectedKernel.Run(x, transposed, bias, thresholds, DivisionApproximators.Create(division), s.Shift,
                output, new int[s.N], stats);

            string what = $"{scenario}, {division}, sample {sample}";
            accumulatorSaturated |= e.AccumulatorSaturated;
            outputSaturated |= e.Output.Any(v => v is short.MaxValue or short.MinValue);
            CollectionAssert.AreEqual(e.Output, output, $"{what}: outputs");
            Assert.AreEqual(e.Executed, stats.Executed, $"{what}: executed");
            Assert.AreEqual(e.SkippedZero, stats.SkippedZero, $"{what}: skipped (zero)");
            Assert.AreEqual(e.SkippedThreshold, stats.SkippedThreshold, $"{what}: skipped (threshold)");
            Assert.AreEqual((long)s.K * s.N, stats.Total, $"{what}: total");
            Assert.AreEqual(e.Comparisons, stats.Comparisons, $"{what}: comparisons");
            Assert.AreEqual(e.WeightReads, stats.WeightReads, $"{what}: weight reads");
            Assert.AreEqual(e.ActivationReads, stats.ActivationReads, $"{what}: activation reads");
            Assert.AreEqual(e.ThresholdComputations, stats.Division.Computations, $"{what}: threshold computations");
            Assert.AreEqual((e.GroupedInputs, e.GroupedOutputs), (stats.GroupedInputs, stats.GroupedOutputs), $"{what}: grouped loop counts");
            Assert.AreEqual((e.TestedInputs, e.TestedOutputs), (stats.TestedInputs, stats.TestedOutputs), $"{what}: tested loop counts");
            if (division == "bitshift")
            {
                // Each step shifts |x| and T once (tools/msp430/README.md: BitShift steps x 2 = Division.Shifts).
                Assert.AreEqual(2 * e.BitShiftSteps, stats.Division.Shifts, $"{what}: BitShift shifts");
            }
            if (s.SkipsSome)
            {
                Assert.IsTrue(e.Executed > 0 && e.SkippedThreshold > 0, $"{what}: the case should both run and skip MACs");
            }
            else
            {
                Assert.AreEqual(0, s.ThresholdMax == 0 ? e.SkippedThreshold : e.Executed, $"{what}: T = 0 skips none, T = int32 max runs none");
            }
        }
        if (scenario.Contains("saturation", StringComparison.Ordinal))
        {
            Assert.IsTrue(accumulatorSaturated, $"{scenario}, {division}: the int32 accumulator should saturate in some sample");
        }
        if (s.Shift < 0)
        {
            Assert.IsTrue(outputSaturated, $"{scenario}, {division}: some output should saturate to int16");
        }
    }

    /// <summary>
    /// Skip compensation: a threshold skip adds its weight's constant (by the input's sign) to the neuron's exact sum, which
    /// is shifted left by the layer's compensation shift, saturated to int32 and added (saturating) to the accumulator once,
    /// after the MACs; the exported C does the same (HostBitExactnessTests).
    /// </summary>
    [TestMethod]
    [DataRow(0, 1 << 20, false, DisplayName = "sums in range")]
    [DataRow(16, 1 << 30, true, DisplayName = "sums saturate")]
    public void Compensated_skips_add_each_neurons_sum_shifted_once(int compensationShift, int biasMax, bool saturates)
    {
        const int K = 50, N = 6, T = 1 << 22, Shift = 16;
        var rng = new Random(17 + compensationShift);
        short[] x = RandomShorts(rng, K, 2048, 0.3);
        short[] wt = RandomShorts(rng, K * N, 8192, 0.1); // [K, N]
        short[] constants = RandomShorts(rng, 2 * K * N, 32767, 0); // positive-input half, then negative-input half
        int[] bias = Enumerable.Range(0, N).Select(_ => rng.Next(-biasMax, biasMax)).ToArray();
        var expected = new short[N];
        bool saturated = false;
        long skips = 0;
        for (int j = 0; j < N; j++)
        {
            BigInteger acc = bias[j], sum = 0;
            for (int i = 0; i < K; i++)
            {
                long xv = x[i], wv = wt[i * N + j];
                if (xv == 0 || wv == 0)
                {
                    continue;
                }
                if (Math.Abs(xv) * Math.Abs(wv) > T)
                {
                    acc = ExactArithmetic.Saturate(acc + xv * wv, int.MinValue, int.MaxValue);
                }
                else
                {
                    sum += constants[(xv > 0 ? 0 : K * N) + i * N + j];
                    skips++;
                }
            }
            BigInteger scaled = ExactArithmetic.Saturate(sum * BigInteger.Pow(2, compensationShift), int.MinValue, int.MaxValue);
            BigInteger total = ExactArithmetic.Saturate(acc + scaled, int.MinValue, int.MaxValue);
            saturated |= scaled != sum * BigInteger.Pow(2, compensationShift) || total != acc + scaled;
            expected[j] = (short)ExactArithmetic.Saturate(ExactArithmetic.RoundHalfUpShift(total, Shift), short.MinValue, short.MaxValue);
        }
        var output = new short[N];
        var stats = new LayerStatistics("fc");

        FixedPointFullyConnectedKernel.RunCompensated(x, wt, bias, [T], constants, compensationShift, DivisionApproximators.Create("exact"),
            Shift, output, new int[2 * N], stats);

        CollectionAssert.AreEqual(expected, output);
        Assert.AreEqual(skips, stats.Compensations, "every threshold skip is compensated");
        Assert.AreEqual(N, stats.CompensatedOutputs, "each neuron's sum is scaled once");
        Assert.IsGreaterThan(0L, skips);
        Assert.AreEqual(saturates, saturated, "the case should (not) saturate the scaled sum or the total");
    }

    /// <summary>The plain definition, neuron by neuron and MAC by MAC (per neuron, the adds run in input order as on the device).</summary>
    private static Expected Oracle(short[] x, short[] w, int[] bias, int[] thresholds, bool bitShift, int shift, int n)
    {
        int k = x.Length;
        var output = new short[n];
        long executed = 0, zero = 0, threshold = 0, thresholdTests = 0, perNeuronComputations = 0, perNeuronSteps = 0;
        bool saturated = false;
        for (int j = 0; j < n; j++)
        {
            long t = thresholds.Length == 1 ? thresholds[0] : thresholds[j];
            BigInteger acc = bias.Length == 0 ? 0 : bias[j];
            for (int i = 0; i < k; i++)
            {
                long xv = x[i], wv = w[j * k + i];
                if (xv != 0)
                {
                    thresholdTests++; // every weight of a nonzero input is tested, zero weights included
                    perNeuronComputations++;
                    perNeuronSteps += ExactArithmetic.ShiftsToOne(Math.Abs(xv));
                }
                if (xv == 0 || wv == 0)
                {
                    zero++;
                    continue;
                }
                bool runs = bitShift
                    ? Math.Abs(wv) > t >> ExactArithmetic.ShiftsToOne(Math.Abs(xv))
                    : Math.Abs(xv) * Math.Abs(wv) > t;
                if (runs)
                {
                    BigInteger sum = acc + xv * wv;
                    acc = ExactArithmetic.Saturate(sum, int.MinValue, int.MaxValue);
                    saturated |= acc != sum;
                    executed++;
                }
                else
                {
                    threshold++;
                }
            }
            output[j] = (short)ExactArithmetic.Saturate(ExactArithmetic.RoundHalfUpShift(acc, shift), short.MinValue, short.MaxValue);
        }
        short[] nonzero = x.Where(v => v != 0).ToArray();
        bool perNeuron = thresholds.Length > 1;
        return new Expected(output, executed, zero, threshold,
            Comparisons: k + thresholdTests, WeightReads: thresholdTests, ActivationReads: k,
            ThresholdComputations: perNeuron ? perNeuronComputations : nonzero.Length,
            BitShiftSteps: perNeuron ? perNeuronSteps : nonzero.Sum(v => (long)ExactArithmetic.ShiftsToOne(Math.Abs((int)v))),
            AccumulatorSaturated: saturated,
            GroupedInputs: perNeuron ? nonzero.Length : 0, GroupedOutputs: perNeuron ? n : 0,
            TestedInputs: perNeuron ? 0 : nonzero.Length, TestedOutputs: perNeuron ? 0 : n);
    }

    /// <summary>Values in [-max, max - 1] (max = 32768 reaches short.MinValue), a fraction of them 0.</summary>
    private static short[] RandomShorts(Random rng, int n, int max, double zeroFraction) =>
        Enumerable.Range(0, n).Select(_ => rng.NextDouble() < zeroFraction ? (short)0 : (short)rng.Next(-max, max)).ToArray();
}
