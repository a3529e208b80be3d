using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.Export;

/// <summary>
/// Gemm / MatMul: the activation is the control term, so its threshold is found at run time. Every approximator but
/// exact division depends only on floor(log2 |x|); the generator checks that over every control magnitude and stores
/// the thresholds per exponent (16 for int16, 277 for float32), so the device finds the exponent and looks the
/// threshold up. Exact division divides at run time. Weights are stored transposed ([K, N]) as the C# executors keep them.
/// </summary>
internal sealed class FullyConnectedEmitter : INodeEmitter
{
    private const int FixedExponents = 16;

    private const int FloatExponents = 277;

    /// <summary>
    /// The int16 loop that tests every weight of a nonzero input, with <see cref="FixedTestTokens"/> (one threshold per layer,
    /// found once per input; also the dense build's loop) or <see cref="GroupedTestTokens"/> (one per neuron: a nonzero input's
    /// thresholds are a column of the [n][16] table, reached by stepping a pointer, so no index is multiplied) filled in.
    /// A token stands alone on its line, and its text is indented to the line's place in the kernel.
    /// </summary>
    private const string TestedKernelTemplate = """
        $DOC$
        static void $NAME$(unit_idx_t k, unit_idx_t n, const int16_t *in, const int16_t *wt, const int32_t *bias,
        $PAD$const uint16_t *thr, const int32_t *t_exact, const unit_comp *comp, int16_t shift,
        $PAD$int16_t *out, int32_t *acc, unit_layer_counts *cnt)
        {
            unit_idx_t kk, j;
            const int16_t *row = wt;
            const int16_t *cpos = comp ? comp->pos : 0, *cneg = comp ? comp->neg : 0;
            /* With comp: each neuron's sum of skipped constants, shifted into the product's Q format once, after the last input. */
            int32_t *const csum = acc + n;
            const int32_t clim = comp ? (int32_t)(INT32_MAX >> comp->shift) : 0;
            (void)cnt;
            for (j = 0; j < n; j++)
            {
                acc[j] = bias ? bias[j] : 0;
                if (comp)
                {
                    csum[j] = 0;
                }
            }
            for (kk = 0; kk < k; kk++, row += n, cpos = cpos ? cpos + n : 0, cneg = cneg ? cneg + n : 0)
            {
                const int16_t x = in[kk];
                /* This input's constants for its sign (none for a negative one without a negative half). */
                const int16_t *const crow = x > 0 ? cpos : cneg;
        $INPUT$
                UNIT_CNT(cnt, tested, n);
                for (j = 0; j < n; j++)
                {
                    const int16_t w = row[j];
        $TEST$
                    {
                        acc[j] = UNIT_SAT_ADD32(acc[j], UNIT_MUL16(x, w));
                        UNIT_CNT(cnt, executed, 1);
                    }
                    else if (w != 0)
                    {
                        if (crow)
                        {
                            csum[j] += crow[j];
                        }
                        UNIT_CNT(cnt, skipped_threshold, 1);
                    }
                }
            }
            for (j = 0; j < n; j++)
            {
                out[j] = unit_requant(comp ? UNIT_SAT_ADD32(acc[j], unit_comp_sum(csum[j], clim, comp->shift)) : acc[j], shift);
            }
        }

        """;

    /// <summary><see cref="TestedKernelTemplate"/>'s tokens for one threshold per layer (<c>unit_fc_q</c>).</summary>
    private static readonly (string Token, string Text)[] FixedTestTokens =
    [
        ("DOC", """
            /* UnIT int16 fully connected layer of one row with one threshold. thr: thresholds per exponent of |x| ([16]), or 0
             * with exact (t_exact: T, divided by |x| at run time), or both 0 for the dense build; comp: the skip-compensation
             * constants in the order of wt, or 0. */
            """),
        ("NAME", "unit_fc_q"),
        ("INPUT", """
                    uint16_t ax, t;
                    if (!thr && !t_exact)
                    {
                        UNIT_CNT(cnt, executed, n);
                        for (j = 0; j < n; j++)
                        {
                            acc[j] = UNIT_SAT_ADD32(acc[j], UNIT_MUL16(x, row[j]));
                        }
                        continue;
                    }
                    if (x == 0)
                    {
                        continue;
                    }
                    ax = x < 0 ? (uint16_t)(0u - (uint16_t)x) : (uint16_t)x;
                    /* The input's one threshold, found before its weights' loop: an exact division here costs a software
                     * divide, which must not run once per weight. */
                    if (thr)
                    {
                        t = thr[unit_log2_16(ax)];
                    }
                    else
                    {
                        const int32_t te = t_exact[0] / (int32_t)ax;
                        t = te > 0x8000 ? (uint16_t)0x8000u : (uint16_t)te;
                    }
            """),
        ("TEST", """
                        if (w > (t > 32767u ? 32767 : (int16_t)t) || w < (int16_t)(0u - t))
            """),
    ];

    /// <summary><see cref="TestedKernelTemplate"/>'s tokens for a threshold per neuron (<c>unit_fc_grouped_q</c>).</summary>
    private static readonly (string Token, string Text)[] GroupedTestTokens =
    [
        ("DOC", """
            /* UnIT int16 fully connected layer of one row with a threshold per neuron. thr: each neuron's thresholds per exponent
             * of |x| ([n][16]), or 0 with exact (t_exact: T per neuron, divided by |x| at run time); comp: the skip-compensation
             * constants in the order of wt, or 0. */
            """),
        ("NAME", "unit_fc_grouped_q"),
        ("INPUT", """
                    const uint16_t *tp;
                    uint16_t ax;
                    if (x == 0)
                    {
                        continue;
                    }
                    ax = UNIT_ABS16(x);
                    tp = thr ? thr + unit_log2_16(ax) : 0;
            """),
        ("TEST", """
                        uint16_t t;
                        if (tp)
                        {
                            t = *tp;
                            tp += 16;
                        }
                        else
                        {
                            const int32_t te = t_exact[j] / (int32_t)ax;
                            t = te > 0x8000 ? (uint16_t)0x8000u : (uint16_t)te;
                        }
                        /* t <= 0x8000, so |w| > t is the rule for every int16 w, -32768 included. */
                        if (UNIT_ABS16(w) > t)
            """),
    ];

    // Filled once, not per layer emitted (declared after the token arrays they read).
    private static readonly string FixedKernel = FillTested(FixedTestTokens);
    private static readonly string GroupedKernel = FillTested(GroupedTestTokens);

    /// <summary><see cref="TestedKernelTemplate"/> with its tokens filled in; the signature's continuation lines aligned under its first parameter.</summary>
    private static string FillTested((string Token, string Text)[] tokens)
    {
        string name = tokens.Single(t => t.Token == "NAME").Text;
        return KernelTemplate.Fill(TestedKernelTemplate, [.. tokens, ("PAD", new string(' ', "static void (".Length + name.Length))]);
    }

    /// <summary>
    /// The UnIT build with one threshold per layer: an input's threshold is the same for all its weights, so each input's
    /// nonzero weights are stored sorted by |w| descending (with their neuron) and the kept MACs are the prefix a binary
    /// search finds. Each neuron still receives its products in input order.
    /// </summary>
    private const string SortedKernel = """
        /* UnIT int16 fully connected layer of one row, sorted columns: input kk's nonzero weights by |w| descending in
         * sw[start[kk] .. start[kk + 1]), their neurons in sj. thr: thresholds per exponent of |x| ([16]), or 0 with exact
         * (t_exact: T, divided by |x| at run time). */
        static void unit_fc_sorted_q(unit_idx_t k, unit_idx_t n, const int16_t *in, const int16_t *sw, const uint8_t *sj,
                                     const uint16_t *start, const int32_t *bias, const uint16_t *thr, const int32_t *t_exact,
                                     int16_t shift, int16_t *out, int32_t *acc, unit_layer_counts *cnt)
        {
            unit_idx_t kk, j;
            (void)cnt;
            for (j = 0; j < n; j++)
            {
                acc[j] = bias ? bias[j] : 0;
            }
            for (kk = 0; kk < k; kk++)
            {
                const int16_t x = in[kk];
                const unit_uidx_t first = start[kk], last = start[kk + 1];
                unit_uidx_t lo = first, i;
                uint16_t ax, t;
                if (x == 0)
                {
                    continue;
                }
                ax = UNIT_ABS16(x);
                if (thr)
                {
                    t = thr[unit_log2_16(ax)];
                }
                else
                {
                    const int32_t te = t_exact[0] / (int32_t)ax;
                    t = te > 0x8000 ? (uint16_t)0x8000u : (uint16_t)te;
                }
                UNIT_CNT(cnt, tested, n);
                if (t <= 32767u)
                {
                    /* The first weight whose test fails: |w| > t <=> (uint16_t)(w + t) > 2t. */
                    const uint16_t t2 = (uint16_t)(t << 1);
                    unit_uidx_t hi = last;
                    while (lo < hi)
                    {
                        const unit_uidx_t mid = (unit_uidx_t)(lo + ((unit_uidx_t)(hi - lo) >> 1));
                        if ((uint16_t)((uint16_t)sw[mid] + t) > t2)
                        {
                            lo = (unit_uidx_t)(mid + 1u);
                        }
                        else
                        {
                            hi = mid;
                        }
                    }
                }
                UNIT_CNT(cnt, executed, lo - first);
                UNIT_CNT(cnt, skipped_threshold, last - lo);
                for (i = first; i != lo; i++)
                {
                    int32_t *const a = acc + sj[i];
                    *a = UNIT_SAT_ADD32(*a, UNIT_MUL16(x, sw[i]));
                }
            }
            for (j = 0; j < n; j++)
            {
                out[j] = unit_requant(acc[j], shift);
            }
        }

        """;

    private const string FloatKernel = """
        /* UnIT float32 fully connected layer of one row. thr: thresholds per exponent index of |x| ([277] or [277][n]),
         * or 0 with exact (t_exact: T per group, divided by |x|), or both 0 for the dense build; comp: a skip-compensation
         * pair (positive, negative input) per weight in the order of wt, or 0. */
        UNIT_LAYER_KERNEL void unit_fc_f(unit_idx_t k, unit_idx_t n, const float *in, const float *wt, const float *bias,
                                         const float *thr, const float *t_exact, const float *comp, unit_idx_t groups, float *out,
                                         unit_layer_counts *cnt)
        {
            unit_idx_t kk, j;
            const float *row = wt;
            const float *crow = comp;
            (void)cnt;
            for (j = 0; j < n; j++)
            {
                out[j] = bias ? bias[j] : 0.0f;
            }
            for (kk = 0; kk < k; kk++, row += n, crow = crow ? crow + 2 * n : 0)
            {
                const float x = in[kk];
                float ax;
                uint16_t e;
                uint32_t t_layer;
                if (!thr && !t_exact)
                {
                    UNIT_CNT(cnt, executed, n);
                    for (j = 0; j < n; j++)
                    {
                        out[j] += x * row[j];
                    }
                    continue;
                }
                if (x == 0.0f)
                {
                    continue;
                }
                ax = unit_fabs(x);
                e = thr ? unit_exp_index(ax) : 0;
                /* One threshold per layer: T / |x| once per input, not once per weight. */
                t_layer = groups == 1 ? unit_abs_bits(thr ? thr[e] : t_exact[0] / ax) : 0u;
                UNIT_CNT(cnt, tested, n);
                for (j = 0; j < n; j++)
                {
                    const float w = row[j];
                    const uint32_t t = groups == 1 ? t_layer : unit_abs_bits(thr ? thr[e * groups + j] : t_exact[j] / ax);
                    if (unit_abs_bits(w) > t)
                    {
                        out[j] += x * w;
                        UNIT_CNT(cnt, executed, 1);
                    }
                    else if (w != 0.0f)
                    {
                        if (crow)
                        {
                            out[j] += crow[2 * j + (x > 0.0f ? 0 : 1)];
                        }
                        UNIT_CNT(cnt, skipped_threshold, 1);
                    }
                }
            }
        }

        """;

    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    public void Emit(Node node, EmitContext context)
    {
        var fc = (FullyConnectedNode)node;
        int k = fc.InputFeatures, n = fc.OutputChannels;
        int rows = context.SampleShape(fc.Input).SampleSize / k;
        string name = fc.Name;
        string counters = $"UNIT_CNT_ARG({context.LayerIndex(fc)})";
        context.CheckIndexRange(fc, (long)k * n);
        if (context.FixedPoint && !context.RunsDense(fc)
            && SortedColumnFullyConnected.Applies(n, context.Configuration.Thresholds?.For(fc.Name)?.Length ?? 1, context.Compensation(fc) is not null))
        {
            EmitSorted(fc, context, k, n, rows, counters);
            return;
        }
        if (context.FixedPoint)
        {
            LayerNumerics q = LayerNumerics.Of(fc, context, w => Transpose(w, n, k));
            bool dense = context.RunsDense(fc);
            (string thr, string exact) = dense ? ("0", "0") : Thresholds(context, q, name);
            (string kernel, string code) = !dense && q.Thresholds.Length > 1 ? ("fc_grouped_q", GroupedKernel) : ("fc_q", FixedKernel);
            context.Kernel(kernel, code);
            bool compensated = q.CompensationName != "0";
            if (compensated && FixedPointFullyConnectedKernel.CompensationRefusal(name, k) is { } refusal)
            {
                throw new CExportException(refusal);
            }
            // The compensated loop keeps each neuron's sum of constants after its accumulator.
            context.NeedScratch(compensated ? 2 * n : n);
            for (int r = 0; r < rows; r++)
            {
                context.Line($"unit_{kernel}({k}, {n}, {context.Buffer(fc.Input)} + {r * k}, {q.WeightName}, {q.BiasName}, {thr}, {exact}, {q.CompensationName}, {q.Shift}, {context.Buffer(fc.Output)} + {r * n}, unit_acc, {counters});");
            }
            return;
        }
        string wName = context.ConstFloat(name + "_w", Transpose(fc.Weight.Data, n, k));
        string bias = fc.Bias is null ? "0" : context.ConstFloat(name + "_b", fc.Bias);
        float[] thresholds = context.Configuration.Thresholds?.For(fc.Name) ?? [0f];
        (string fthr, string fexact) = ("0", "0");
        if (!context.RunsDense(fc))
        {
            float[][] table = thresholds.Select(t => ByExponent(FloatExponents, e => MathF.ScaleB(1f, e - 149), FloatMagnitudes, c =>
            {
                var ops = default(DivisionOps);
                return context.Division.Threshold(t, c, ref ops);
            })).ToArray();
            if (table.Any(t => t.Length == 0))
            {
                fexact = context.ConstThresholds(name + "_t", thresholds);
            }
            else
            {
                fthr = context.ConstThresholds(name + "_thr", Interleave(table, FloatExponents));
            }
        }
        string compensation = context.Compensation(fc) is { } c ? context.ConstFloat(name + "_comp", EmitContext.Pairs(c, h => Transpose(h, n, k))) : "0";
        context.Kernel("fc_f", FloatKernel);
        for (int r = 0; r < rows; r++)
        {
            context.Line($"unit_fc_f({k}, {n}, {context.Buffer(fc.Input)} + {r * k}, {wName}, {bias}, {fthr}, {fexact}, {compensation}, {thresholds.Length}, {context.Buffer(fc.Output)} + {r * n}, {counters});");
        }
    }

    /// <summary>The msp430 UnIT build with one threshold per layer and 16 to 256 neurons (a neuron index in a byte): sorted columns.</summary>
    private static void EmitSorted(FullyConnectedNode fc, EmitContext context, int k, int n, int rows, string counters)
    {
        var neurons = new List<int>();
        var starts = new List<int> { 0 };
        LayerNumerics q = LayerNumerics.Of(fc, context, w =>
        {
            int[] t = Transpose(w, n, k);
            var sorted = new List<int>();
            for (int kk = 0; kk < k; kk++)
            {
                // Stable by neuron among equal magnitudes (any order gives the same sums: each neuron gets one product per input).
                foreach (int j in Enumerable.Range(0, n).Where(j => t[kk * n + j] != 0).OrderByDescending(j => Math.Abs(t[kk * n + j])))
                {
                    sorted.Add(t[kk * n + j]);
                    neurons.Add(j);
                }
                starts.Add(sorted.Count);
            }
            return sorted.ToArray();
        });
        context.CheckIndexRange(fc, starts[^1]);
        string sj = context.ConstUInt8(fc.Name + "_sj", neurons);
        string start = context.ConstUInt16(fc.Name + "_start", starts);
        (string thr, string exact) = Thresholds(context, q, fc.Name);
        context.Kernel("fc_sorted_q", SortedKernel);
        context.NeedScratch(n);
        for (int r = 0; r < rows; r++)
        {
            context.Line($"unit_fc_sorted_q({k}, {n}, {context.Buffer(fc.Input)} + {r * k}, {q.WeightName}, {sj}, {start}, {q.BiasName}, {thr}, {exact}, {q.Shift}, {context.Buffer(fc.Output)} + {r * n}, unit_acc, {counters});");
        }
    }

    /// <summary>The int16 thresholds per exponent of |x| ([groups][16]), or, where the approximator depends on more than the exponent, T itself.</summary>
    private static (string Table, string Exact) Thresholds(EmitContext context, LayerNumerics q, string name)
    {
        int[][] table = q.Thresholds.Select(t => ByExponent(FixedExponents, e => 1 << e, IntegerMagnitudes, c =>
        {
            var ops = default(DivisionOps);
            return context.Division.Threshold(t, c, ref ops);
        })).ToArray();
        return table.Any(t => t.Length == 0)
            ? ("0", context.ConstInt32(name + "_t", q.Thresholds))
            : (context.ConstUInt16(name + "_thr", table.SelectMany(t => t).Select(t => Math.Min(t, 0x8000)).ToArray()), "0");
    }

    /// <summary>
    /// The threshold per exponent, or an empty array when some magnitude with that exponent gets another threshold
    /// (then the table cannot stand for the approximator, as for exact division).
    /// </summary>
    private static T[] ByExponent<T, TC>(int exponents, Func<int, TC> powerOfTwo, Func<int, IEnumerable<TC>> magnitudes, Func<TC, T> threshold)
        where T : IEquatable<T>
    {
        var table = new T[exponents];
        for (int e = 0; e < exponents; e++)
        {
            table[e] = threshold(powerOfTwo(e));
            foreach (TC c in magnitudes(e))
            {
                if (!threshold(c).Equals(table[e]))
                {
                    return [];
                }
            }
        }
        return table;
    }

    /// <summary>Every int16 magnitude with floor(log2) = e (32768 included for e = 15).</summary>
    private static IEnumerable<int> IntegerMagnitudes(int e) => Enumerable.Range(1 << e, e == 15 ? 1 : 1 << e);

    /// <summary>Float magnitudes with exponent index e: the power of two, the midpoints and the largest below the next power.</summary>
    private static IEnumerable<float> FloatMagnitudes(int e)
    {
        float p = MathF.ScaleB(1f, e - 149);
        float next = MathF.ScaleB(1f, e - 148);
        yield return MathF.BitDecrement(next);
        if (e >= 23)
        {
            yield return p * 1.5f;
            yield return p * 1.25f;
        }
    }

    /// <summary>[group][exponent] to [exponent][group].</summary>
    private static T[] Interleave<T>(T[][] table, int exponents)
    {
        var flat = new T[exponents * table.Length];
        for (int e = 0; e < exponents; e++)
        {
            for (int g = 0; g < table.Length; g++)
            {
                flat[e * table.Length + g] = table[g][e];
            }
        }
        return flat;
    }

    private static T[] Transpose<T>(T[] matrix, int rows, int cols)
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
