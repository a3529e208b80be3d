using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.Export;

/// <summary>
/// Conv: the weight is the control term, so each weight's threshold t(T, |w|) is computed here by the model's own
/// division approximator (as the C# executors precompute it) and stored beside the weight. The C loop order, and so
/// the order of the (saturating) adds per output, is the C# kernels' order: channel, kernel row, kernel column, row, column.
/// </summary>
internal sealed class ConvEmitter : INodeEmitter
{
    /// <summary>cols: per kernel column, the first valid output column, their count, and the input column offset of the first.</summary>
    private const string FixedKernel = """
        #ifndef UNIT_SKIP_SCAN
        /* The first operand in [p, end) whose skip test passes, or end; counts the nonzero operands it skips. |x| > t <=>
         * (uint16_t)(x + t) > t2 = 2t for t <= 32767: one add and one unsigned compare per test. A firmware may replace it
         * (tools/msp430/unit_model_glue.h: a 9-cycle-per-test assembly loop). */
        static inline const int16_t *unit_skip_scan(const int16_t *p, const int16_t *end, uint16_t t, uint16_t t2,
                                                    unit_layer_counts *cnt)
        {
            (void)cnt;
            for (; p != end && (uint16_t)((uint16_t)*p + t) <= t2; p++)
            {
                UNIT_CNT(cnt, skipped_threshold, *p != 0);
            }
            return p;
        }
        #define UNIT_SKIP_SCAN unit_skip_scan
        #endif

        /* The skip tests of one weight over all its valid output rows, in a function of its own (inlined, its operands are
         * spilled and reloaded on every test), called once per weight rather than once per row. cw: the weight's skip
         * compensation (positive, negative operand), or 0. */
        __attribute__((noinline)) static void unit_rows_q(const int16_t *s, int32_t *d, unit_idx_t rows, unit_idx_t count,
                                                         unit_idx_t in_step, unit_idx_t out_step, unit_idx_t s_w, int16_t wv,
                                                         uint16_t t, uint16_t t2, const int32_t *cw, unit_layer_counts *cnt)
        {
            (void)cnt;
            for (; rows != 0; rows--, s += in_step, d += out_step)
            {
                const int16_t *p = s;
                int32_t *q = d;
                unit_idx_t n;
                UNIT_CNT(cnt, tested, count);
                if (s_w == 1 && !cw)
                {
                    /* Scan to the next operand that passes, run its MAC, go on past it. */
                    const int16_t *const end = s + count;
                    while ((p = UNIT_SKIP_SCAN(p, end, t, t2, cnt)) != end)
                    {
                        q = d + (p - s);
                        *q = UNIT_SAT_ADD32(*q, UNIT_MUL16(*p, wv));
                        UNIT_CNT(cnt, executed, 1);
                        p++;
                    }
                    continue;
                }
                for (n = count; n != 0; n--, p += s_w, q++)
                {
                    const int16_t x = *p;
                    if ((uint16_t)((uint16_t)x + t) > t2)
                    {
                        *q = UNIT_SAT_ADD32(*q, UNIT_MUL16(x, wv));
                        UNIT_CNT(cnt, executed, 1);
                    }
                    else if (x != 0)
                    {
                        if (cw)
                        {
                            *q = UNIT_SAT_ADD32(*q, x > 0 ? cw[0] : cw[1]);
                        }
                        UNIT_CNT(cnt, skipped_threshold, 1);
                    }
                }
            }
        }

        /* Skip compensation of one weight whose threshold skips every operand (t > 32767): each nonzero operand adds the
         * weight's constant for its sign. */
        __attribute__((noinline)) static void unit_rows_comp_q(const int16_t *s, int32_t *d, unit_idx_t rows, unit_idx_t count,
                                                              unit_idx_t in_step, unit_idx_t out_step, unit_idx_t s_w, const int32_t *cw)
        {
            for (; rows != 0; rows--, s += in_step, d += out_step)
            {
                const int16_t *p = s;
                int32_t *q = d;
                unit_idx_t n;
                for (n = count; n != 0; n--, p += s_w, q++)
                {
                    if (*p != 0)
                    {
                        *q = UNIT_SAT_ADD32(*q, *p > 0 ? cw[0] : cw[1]);
                    }
                }
            }
        }

        /* The dense build's MACs of one weight over all its valid output rows (a function of its own for the same reason). */
        __attribute__((noinline)) static void unit_rows_dense_q(const int16_t *s, int32_t *d, unit_idx_t rows, unit_idx_t count,
                                                               unit_idx_t in_step, unit_idx_t out_step, unit_idx_t s_w, int16_t wv,
                                                               unit_layer_counts *cnt)
        {
            (void)cnt;
            for (; rows != 0; rows--, s += in_step, d += out_step)
            {
                const int16_t *p = s;
                int32_t *q = d;
                unit_idx_t n;
                UNIT_CNT(cnt, executed, count);
                if (s_w == 1)
                {
                    for (n = count; n != 0; n--, q++)
                    {
                        *q = UNIT_SAT_ADD32(*q, UNIT_MUL16(*p++, wv));
                    }
                    continue;
                }
                for (n = count; n != 0; n--, p += s_w, q++)
                {
                    *q = UNIT_SAT_ADD32(*q, UNIT_MUL16(*p, wv));
                }
            }
        }

        /* UnIT int16 convolution of one sample; thr: one threshold per weight (capped at 0x8000), or 0 for the dense build;
         * comp: the skip-compensation constants, or 0. */
        static void unit_conv_q(const unit_conv_geom *g, const int16_t *cols, const int16_t *in, const int16_t *w,
                                const int32_t *bias, const uint16_t *thr, const unit_comp *comp, int16_t shift, int16_t *out,
                                int32_t *acc, unit_layer_counts *cnt)
        {
            const int16_t *cpos = comp ? comp->pos : 0, *cneg = comp ? comp->neg : 0;
            const unit_idx_t out_plane = (unit_idx_t)(g->out_h * g->out_w), in_plane = (unit_idx_t)(g->in_h * g->in_w);
            const unit_idx_t row_step = (unit_idx_t)(g->s_h * g->in_w), kh_step = (unit_idx_t)(g->dil_h * g->in_w);
            const unit_idx_t s_w = g->s_w, out_w = g->out_w;
            const int16_t *group_in = in;
            unit_idx_t m = 0, grp, mm, c, kh, kw, oh, i;
            (void)cnt;
            for (grp = 0; grp < g->groups; grp++, group_in += g->cin_g * in_plane)
            {
                for (mm = 0; mm < g->cout_g; mm++, m++)
                {
                    const int32_t b = bias ? bias[m] : 0;
                    const int16_t *plane = group_in;
                    for (i = 0; i < out_plane; i++)
                    {
                        acc[i] = b;
                    }
                    for (c = 0; c < g->cin_g; c++, plane += in_plane)
                    {
                        unit_idx_t ih0 = (unit_idx_t)-g->pad_t;
                        unit_idx_t row0 = (unit_idx_t)(ih0 * g->in_w);
                        for (kh = 0; kh < g->k_h; kh++, ih0 += g->dil_h, row0 += kh_step)
                        {
                            /* The output rows whose input row exists for this kernel row: a contiguous run, found once per kernel row. */
                            unit_idx_t rows = 0, first_row = 0, first_out = 0, ih = ih0, row = row0, o = 0;
                            for (oh = 0; oh < g->out_h; oh++, ih += g->s_h, row += row_step, o += out_w)
                            {
                                if ((unit_uidx_t)ih < (unit_uidx_t)g->in_h && rows++ == 0)
                                {
                                    first_row = row;
                                    first_out = o;
                                }
                            }
                            const int16_t *col = cols;
                            for (kw = 0; kw < g->k_w; kw++, col += 3)
                            {
                                const int16_t wv = *w++;
                                const unit_idx_t count = col[1];
                                int32_t cpair[2];
                                const int32_t *cw = 0;
                                int16_t cp, cn;
                                uint16_t t;
                                const int16_t *s = plane + first_row + col[2];
                                int32_t *d = acc + first_out + col[0];
                                if (!thr)
                                {
                                    unit_rows_dense_q(s, d, rows, count, row_step, out_w, s_w, wv, cnt);
                                    continue;
                                }
                                t = *thr++;
                                cp = cpos ? *cpos++ : 0;
                                cn = cneg ? *cneg++ : 0;
                                if (wv == 0 || rows == 0)
                                {
                                    continue;
                                }
                                if (comp)
                                {
                                    cpair[0] = unit_comp_value(cp, comp->shift);
                                    cpair[1] = unit_comp_value(cn, comp->shift);
                                    cw = cpair;
                                }
                                if (t > 32767u)
                                {
                                    if (cw)
                                    {
                                        unit_rows_comp_q(s, d, rows, count, row_step, out_w, s_w, cw);
                                    }
                                    /* t = 0x8000 skips every operand (no |int16| exceeds it): no MAC to run, only compensation and counts. */
        #ifdef UNIT_COUNT
                                    unit_idx_t r, n;
                                    for (r = rows; r != 0; r--, s += row_step)
                                    {
                                        const int16_t *p = s;
                                        UNIT_CNT(cnt, tested, count);
                                        for (n = count; n != 0; n--, p += s_w)
                                        {
                                            UNIT_CNT(cnt, skipped_threshold, *p != 0);
                                        }
                                    }
        #endif
                                    continue;
                                }
                                unit_rows_q(s, d, rows, count, row_step, out_w, s_w, wv, t, (uint16_t)(t << 1), cw, cnt);
                            }
                        }
                    }
                    for (i = 0; i < out_plane; i++)
                    {
                        *out++ = unit_requant(acc[i], shift);
                    }
                }
            }
        }

        """;

    /// <summary>
    /// The UnIT build of a stride-1 convolution, in both profiles (<see cref="SortedKernel"/> fills in each one's types and
    /// arithmetic). Its MACs only depend on each output receiving its products in weight order, not on the order in which one
    /// weight's products reach the outputs, so the search for the kept MACs is free: each input channel's nonzero activations
    /// are listed once per inference, sorted by |x| descending, and each weight runs the prefix with |x| &gt; t found by a
    /// binary search (zeros and skipped operands are never visited). The accumulators of one output plane sit in a plane
    /// padded by the kernel's reach (acc_w wide), so an operand's place is its list entry minus the weight's offset;
    /// <c>map</c> marks the places that are real outputs. The msp430 lists hold (x, place) in int16; the float32 (max78000)
    /// lists hold (index of x in the group's input, place) in uint16, and the MACs are fused multiply-adds, as in the engine.
    /// </summary>
    private const string SortedKernelTemplate = """
        /* Sorts n list entries ($ENTRY$) by |x| descending: Shell sort with Ciura's gaps, in place. */
        static void unit_sort_list$S$($E$ *e, unit_uidx_t n$XSPARAM$)
        {
            static const unit_uidx_t gaps[] = {8858u, 3937u, 1750u, 701u, 301u, 132u, 57u, 23u, 10u, 4u, 1u};
            unit_uidx_t k, i, j;
            for (k = 0; k < sizeof gaps / sizeof gaps[0]; k++)
            {
                const unit_uidx_t gap = gaps[k], step = (unit_uidx_t)(2u * gap);
                for (i = gap; i < n; i++)
                {
                    $E$ *q = e + 2u * i;
                    const $E$ x = q[0], at = q[1];
                    const $K$ ax = $KEY$x$/KEY$;
                    for (j = i; j >= gap && $KEY$*(q - step)$/KEY$ < ax; j -= gap, q -= step)
                    {
                        q[0] = *(q - step);
                        q[1] = *(q - step + 1);
                    }
                    q[0] = x;
                    q[1] = at;
                }
            }
        }

        /* The MACs of one weight over list entries [p, end): those whose place (entry minus the weight's offset) is an
         * output. A function of its own so that its operands stay in registers. */
        __attribute__((noinline)) static void unit_sorted_macs$S$(const $E$ *p, const $E$ *end, $XSPARAM2$$A$ *acc,
                                                              const uint8_t *map, uint16_t koff, $W$ wv, unit_layer_counts *cnt)
        {
            (void)cnt;
            for (; p != end; p += 2)
            {
                const uint16_t o = (uint16_t)((uint16_t)p[1] - koff);
                if (map[o])
                {
                    $MAC$
                    UNIT_CNT(cnt, executed, 1);
                }
            }
        }

        /* Skip compensation of one weight over the list entries [p, end) its test skipped: each output place adds the weight's
         * constant for the operand's sign where a product would have gone. The constants come in registers: this loop runs
         * once per skipped operand. */
        __attribute__((noinline)) static void unit_sorted_comp$S$(const $E$ *p, const $E$ *end, $XSPARAM2$$A$ *acc,
                                                              const uint8_t *map, uint16_t koff, $A$ cpos, $A$ cneg)
        {
            for (; p != end; p += 2)
            {
                const uint16_t o = (uint16_t)((uint16_t)p[1] - koff);
                if (map[o])
                {
                    $COMPADD$
                }
            }
        }

        $MAINHEAD$
            const unit_idx_t in_plane = (unit_idx_t)(g->in_h * g->in_w), acc_w = sg->acc_w;
            /* From the last kernel column of one kernel row to the first of the next. */
            const uint16_t kh_next = (uint16_t)(g->dil_h * acc_w - g->k_w * sg->dil_w);
            const $V$ *group_in = in;
            unit_idx_t grp, mm, c, kh, kw, i, j;
            (void)cnt;
            (void)cols;
            for (grp = 0; grp < g->groups; grp++, group_in += g->cin_g * in_plane)
            {
                const $V$ *x = group_in;
                $E$ *e = list;
                for (c = 0; c < g->cin_g; c++)
                {
                    uint16_t at = (uint16_t)sg->in_first;
                    $E$ *const first = e;
                    for (i = 0; i < g->in_h; i++, at += (uint16_t)(acc_w - g->in_w))
                    {
                        for (j = 0; j < g->in_w; j++, x++, at++)
                        {
                            if (*x != 0)
                            {
                                e[0] = $ENTRYX$;
                                e[1] = ($E$)at;
                                e += 2;
                            }
                        }
                    }
                    starts[c] = (unit_uidx_t)((first - list) >> 1);
                    unit_sort_list$S$(first, (unit_uidx_t)((e - first) >> 1)$XSARG$);
                }
                starts[g->cin_g] = (unit_uidx_t)((e - list) >> 1);
                for (mm = 0; mm < g->cout_g; mm++)
                {
                    const $A$ b = bias ? *bias++ : 0;
                    $A$ *a = acc + sg->out_first;
                    for (i = 0; i < g->out_h; i++, a += acc_w)
                    {
                        for (j = 0; j < g->out_w; j++)
                        {
                            a[j] = b;
                        }
                    }
                    for (c = 0; c < g->cin_g; c++)
                    {
                        const $E$ *const first = list + 2u * starts[c];
                        const unit_uidx_t n = (unit_uidx_t)(starts[c + 1] - starts[c]);
                        uint16_t koff = 0;
        #ifdef UNIT_COUNT
                        unit_idx_t ih0 = (unit_idx_t)-g->pad_t;
        #endif
                        for (kh = 0; kh < g->k_h; kh++, koff = (uint16_t)(koff + kh_next))
                        {
        #ifdef UNIT_COUNT
                            /* The valid output rows of this kernel row, for the tested count (every operand in the window). */
                            unit_idx_t rows = 0, oh, ih = ih0;
                            for (oh = 0; oh < g->out_h; oh++, ih += g->s_h)
                            {
                                rows += (unit_uidx_t)ih < (unit_uidx_t)g->in_h;
                            }
                            ih0 += g->dil_h;
        #endif
                            for (kw = 0; kw < g->k_w; kw++, koff = (uint16_t)(koff + sg->dil_w))
                            {
                                const $W$ wv = *w++;
                                const $K$ t = $TLOAD$;
                                const $W$ cp = cpos ? *cpos++ : 0, cn = cneg ? *cneg++ : 0;
        #ifdef UNIT_COUNT
                                const $E$ *p, *end;
        #endif
                                unit_uidx_t lo = 0;
                                if (wv == 0)
                                {
                                    continue;
                                }
                                UNIT_CNT(cnt, tested, (uint32_t)rows * (uint16_t)cols[3 * kw + 1]);
                                if ($GUARD$)
                                {
                                    /* The first entry whose test fails: $TESTDOC$. */$T2$
                                    unit_uidx_t hi = n;
                                    while (lo < hi)
                                    {
                                        const unit_uidx_t mid = (unit_uidx_t)((lo + hi) >> 1);
                                        if ($TEST$)
                                        {
                                            lo = (unit_uidx_t)(mid + 1u);
                                        }
                                        else
                                        {
                                            hi = mid;
                                        }
                                    }
                                }
                                unit_sorted_macs$S$(first, first + 2u * lo, $XSARG2$acc, map, koff, wv, cnt);
                                if ($COMPCOND$)
                                {
                                    unit_sorted_comp$S$(first + 2u * lo, first + 2u * n, $XSARG2$acc, map, koff, $CPOS$,
                                                     $CNEG$);
                                }
        #ifdef UNIT_COUNT
                                for (p = first + 2u * lo, end = first + 2u * n; p != end; p += 2)
                                {
                                    UNIT_CNT(cnt, skipped_threshold, map[(uint16_t)((uint16_t)p[1] - koff)] != 0);
                                }
        #endif
                            }
                        }
                    }
                    for (a = acc + sg->out_first, i = 0; i < g->out_h; i++, a += acc_w)
                    {
                        for (j = 0; j < g->out_w; j++)
                        {
                            *out++ = $OUT$;
                        }
                    }
                }
            }
        }

        """;

    /// <summary>The msp430 kernel's head: its note, signature and compensation pointers.</summary>
    private const string SortedHeadQ = """
        /* UnIT int16 stride-1 convolution of one sample, sorted-list search (see the generator's note). list: 2 int16 per
         * input element of a group (x, place in the padded plane for kernel offset 0); starts: cin_g + 1 entries; comp: the
         * skip-compensation constants, or 0. */
        static void unit_conv_sorted_q(const unit_conv_geom *g, const unit_conv_sorted *sg, const uint8_t *map, const int16_t *cols,
                                       const int16_t *in, const int16_t *w, const int32_t *bias, const uint16_t *thr,
                                       const unit_comp *comp, int16_t shift, int16_t *out, int32_t *acc, int16_t *list,
                                       unit_uidx_t *starts, unit_layer_counts *cnt)
        {
            const int16_t *cpos = comp ? comp->pos : 0, *cneg = comp ? comp->neg : 0;
        """;

    /// <summary>The float32 kernel's head.</summary>
    private const string SortedHeadF = """
        /* UnIT float32 stride-1 convolution of one sample, sorted-list search (see the generator's note). list: 2 uint16 per
         * input element of a group (index in the group's input, place in the padded plane for kernel offset 0); starts:
         * cin_g + 1 entries; thr: one threshold per weight; cpos, cneg: the skip-compensation constants per weight for a
         * positive and a negative operand, or 0. */
        UNIT_LAYER_KERNEL void unit_conv_sorted_f(const unit_conv_geom *g, const unit_conv_sorted *sg, const uint8_t *map, const int16_t *cols,
                                                  const float *in, const float *w, const float *bias, const float *thr, const float *cpos,
                                                  const float *cneg, float *out, float *acc, uint16_t *list, unit_uidx_t *starts,
                                                  unit_layer_counts *cnt)
        {
        """;

    /// <summary>
    /// The msp430 (int16) values of <see cref="SortedKernelTemplate"/>'s tokens, filled in this order; the sort key of a list
    /// entry v is $KEY$v$/KEY$.
    /// </summary>
    private static readonly (string Token, string Text)[] SortedTokensQ =
    [
        ("MAINHEAD", SortedHeadQ),
        ("ENTRY", "x, place"),
        ("S", ""),
        ("E", "int16_t"),
        ("XSPARAM", ""),
        ("K", "uint16_t"),
        ("KEY", "UNIT_ABS16("),
        ("/KEY", ")"),
        ("XSPARAM2", ""),
        ("A", "int32_t"),
        ("W", "int16_t"),
        ("MAC", "acc[o] = UNIT_SAT_ADD32(acc[o], UNIT_MUL16(p[0], wv));"),
        ("COMPADD", "acc[o] = UNIT_SAT_ADD32(acc[o], p[0] > 0 ? cpos : cneg);"),
        ("V", "int16_t"),
        ("ENTRYX", "*x"),
        ("XSARG", ""),
        ("TLOAD", "*thr++"),
        ("GUARD", "t <= 32767u"),
        ("TESTDOC", "|x| > t <=> (uint16_t)(x + t) > 2t"),
        ("T2", "\n                            const uint16_t t2 = (uint16_t)(t << 1);"),
        ("TEST", "(uint16_t)((uint16_t)first[2u * mid] + t) > t2"),
        ("XSARG2", ""),
        ("COMPCOND", "comp"),
        ("CPOS", "unit_comp_value(cp, comp->shift)"),
        ("CNEG", "unit_comp_value(cn, comp->shift)"),
        ("OUT", "unit_requant(a[j], shift)"),
    ];

    /// <summary>The float32 (max78000) values of <see cref="SortedKernelTemplate"/>'s tokens.</summary>
    private static readonly (string Token, string Text)[] SortedTokensF =
    [
        ("MAINHEAD", SortedHeadF),
        ("ENTRY", "index of x in xs, place"),
        ("S", "_f"),
        ("E", "uint16_t"),
        ("XSPARAM", ", const float *xs"),
        ("K", "uint32_t"),
        ("KEY", "unit_abs_bits(xs["),
        ("/KEY", "])"),
        ("XSPARAM2", "const float *xs, "),
        ("A", "float"),
        ("W", "float"),
        ("MAC", "acc[o] = UNIT_FMA(xs[p[0]], wv, acc[o]);"),
        ("COMPADD", "acc[o] = acc[o] + (xs[p[0]] > 0.0f ? cpos : cneg);"),
        ("V", "float"),
        ("ENTRYX", "(uint16_t)(x - group_in)"),
        ("XSARG", ", group_in"),
        ("TLOAD", "unit_abs_bits(*thr++)"),
        ("GUARD", "1"),
        ("TESTDOC", "|x| > t <=> bits(|x|) > bits(t)"),
        ("T2", ""),
        ("TEST", "unit_abs_bits(group_in[first[2u * mid]]) > t"),
        ("XSARG2", "group_in, "),
        ("COMPCOND", "cpos"),
        ("CPOS", "cp"),
        ("CNEG", "cn"),
        ("OUT", "a[j]"),
    ];

    // Filled once, not per layer emitted (declared after the token arrays they read).
    private static readonly string SortedKernelQ = KernelTemplate.Fill(SortedKernelTemplate, SortedTokensQ);
    private static readonly string SortedKernelF = KernelTemplate.Fill(SortedKernelTemplate, SortedTokensF);

    /// <summary>The sorted-list convolution of the profile: <see cref="SortedKernelTemplate"/> with its tokens filled in.</summary>
    private static string SortedKernel(bool fixedPoint) => fixedPoint ? SortedKernelQ : SortedKernelF;

    private const string FloatKernel = """
        /* UnIT float32 convolution of one sample; thr: one threshold per weight, or 0 for the dense build; comp: a
         * skip-compensation pair per weight (positive, negative operand), or 0. */
        UNIT_LAYER_KERNEL void unit_conv_f(const unit_conv_geom *g, const int16_t *cols, const float *in, const float *w,
                                           const float *bias, const float *thr, const float *comp, float *out, unit_layer_counts *cnt)
        {
            const unit_idx_t out_plane = (unit_idx_t)(g->out_h * g->out_w), in_plane = (unit_idx_t)(g->in_h * g->in_w);
            const unit_idx_t row_step = (unit_idx_t)(g->s_h * g->in_w), kh_step = (unit_idx_t)(g->dil_h * g->in_w);
            const float *group_in = in;
            unit_idx_t grp, mm, c, kh, kw, oh, n, i;
            (void)cnt;
            for (grp = 0; grp < g->groups; grp++, group_in += g->cin_g * in_plane)
            {
                for (mm = 0; mm < g->cout_g; mm++, out += out_plane)
                {
                    const float b = bias ? *bias++ : 0.0f;
                    const float *plane = group_in;
                    for (i = 0; i < out_plane; i++)
                    {
                        out[i] = b;
                    }
                    for (c = 0; c < g->cin_g; c++, plane += in_plane)
                    {
                        unit_idx_t ih0 = (unit_idx_t)-g->pad_t;
                        unit_idx_t row0 = (unit_idx_t)(ih0 * g->in_w);
                        for (kh = 0; kh < g->k_h; kh++, ih0 += g->dil_h, row0 += kh_step)
                        {
                            for (kw = 0; kw < g->k_w; kw++)
                            {
                                const float wv = *w++;
                                const unit_idx_t count = cols[3 * kw + 1];
                                const float *cw = 0;
                                uint32_t t = 0;
                                unit_idx_t ih = ih0, row = (unit_idx_t)(row0 + cols[3 * kw + 2]);
                                float *dst = out + cols[3 * kw];
                                if (thr)
                                {
                                    t = unit_abs_bits(*thr++);
                                    cw = comp;
                                    comp = comp ? comp + 2 : 0;
                                    if (wv == 0.0f)
                                    {
                                        continue;
                                    }
                                }
                                for (oh = 0; oh < g->out_h; oh++, ih += g->s_h, row += row_step, dst += g->out_w)
                                {
                                    const float *s;
                                    float *d = dst;
                                    if ((unit_uidx_t)ih >= (unit_uidx_t)g->in_h)
                                    {
                                        continue;
                                    }
                                    s = plane + row;
                                    if (!thr)
                                    {
                                        UNIT_CNT(cnt, executed, count);
                                        for (n = count; n != 0; n--, s += g->s_w, d++)
                                        {
                                            *d = UNIT_FMA(*s, wv, *d);
                                        }
                                        continue;
                                    }
                                    UNIT_CNT(cnt, tested, count);
                                    for (n = count; n != 0; n--, s += g->s_w, d++)
                                    {
                                        const float x = *s;
                                        if (unit_abs_bits(x) > t)
                                        {
                                            *d = UNIT_FMA(x, wv, *d);
                                            UNIT_CNT(cnt, executed, 1);
                                        }
                                        else if (x != 0.0f)
                                        {
                                            if (cw)
                                            {
                                                *d = *d + (x > 0.0f ? cw[0] : cw[1]);
                                            }
                                            UNIT_CNT(cnt, skipped_threshold, 1);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        """;

    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    /// <summary>
    /// What the sorted-list loop needs in either profile: its plane geometry (returned) and the byte map of output places
    /// (<paramref name="map"/>) as constants, room for its accumulator plane and for its list starts.
    /// </summary>
    private static string PrepareSorted(EmitContext context, string name, in ConvGeometry g, SortedLayout layout, out string map)
    {
        string sorted = context.ConstStruct("unit_conv_sorted", name + "_sorted",
            string.Join(", ", new[] { layout.AccW, layout.OutFirst, layout.InFirst, g.DilationW }.Select(EmitContext.Int)), 4 * context.IndexBytes);
        map = context.ConstUInt8(name + "_map", layout.Map(g));
        context.NeedScratch(layout.AccW * layout.AccH);
        context.NeedStarts(g.InChannelsPerGroup + 1);
        return sorted;
    }

    public void Emit(Node node, EmitContext context)
    {
        var conv = (ConvNode)node;
        ConvGeometry g = conv.Geometry(context.SampleShape(conv.Input));
        string name = conv.Name;
        var cols = new List<int>();
        for (int kw = 0; kw < g.KernelW; kw++)
        {
            (int start, int end) = ConvKernel.ValidColumns(g, kw);
            cols.AddRange([start, end - start, start * g.StrideW - g.PadLeft + kw * g.DilationW]);
        }
        int[] fields = [g.InChannelsPerGroup, g.InH, g.InW, g.OutChannelsPerGroup, g.OutH, g.OutW, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadTop, g.DilationH, g.Groups];
        context.CheckIndexRange(conv, Math.Max(g.InputSampleSize, g.OutputSampleSize));
        string geom = context.ConstStruct("unit_conv_geom", name + "_geom", string.Join(", ", fields.Select(EmitContext.Int)), fields.Length * context.IndexBytes);
        string colsName = context.ConstInt16(name + "_cols", cols);
        string counters = $"UNIT_CNT_ARG({context.LayerIndex(conv)})";
        string input = context.Buffer(conv.Input), output = context.Buffer(conv.Output);
        SortedLayout? layout = context.RunsDense(conv) ? null : SortedLayout.Of(g);
        if (context.FixedPoint)
        {
            LayerNumerics q = LayerNumerics.Of(conv, context);
            string thr = "0";
            if (!context.RunsDense(conv))
            {
                int perChannel = q.Weight.Length / conv.OutputChannels;
                var ops = default(DivisionOps);
                thr = context.ConstUInt16(name + "_thr", q.Weight.Select((w, i) => w == 0
                    ? 0
                    : Math.Min(0x8000, context.Division.Threshold(q.Thresholds.Length == 1 ? q.Thresholds[0] : q.Thresholds[i / perChannel], Math.Abs((int)w), ref ops))).ToArray());
            }
            if (layout is not null)
            {
                string sorted = PrepareSorted(context, name, g, layout, out string map);
                context.Kernel("conv_sorted_q", SortedKernel(fixedPoint: true));
                string list = context.NodeScratch(conv, layout.ListElements);
                context.Line($"unit_conv_sorted_q(&{geom}, &{sorted}, {map}, {colsName}, {input}, {q.WeightName}, {q.BiasName}, {thr}, {q.CompensationName}, {q.Shift}, {output}, unit_acc, {list}, unit_starts, {counters});");
                return;
            }
            context.Kernel("conv_q", FixedKernel);
            context.NeedScratch(g.OutH * g.OutW);
            context.Line($"unit_conv_q(&{geom}, {colsName}, {input}, {q.WeightName}, {q.BiasName}, {thr}, {q.CompensationName}, {q.Shift}, {output}, unit_acc, {counters});");
            return;
        }
        float[] weights = conv.Weight.Data;
        string wName = context.ConstFloat(name + "_w", weights);
        string bias = conv.Bias is null ? "0" : context.ConstFloat(name + "_b", conv.Bias);
        string thresholds = "0";
        if (!context.RunsDense(conv))
        {
            float[] t = context.Configuration.Thresholds?.For(conv.Name) ?? [0f];
            int perChannel = weights.Length / conv.OutputChannels;
            var ops = default(DivisionOps);
            thresholds = context.ConstThresholds(name + "_thr", weights.Select((w, i) => w == 0f
                ? 0f
                : context.Division.Threshold(t.Length == 1 ? t[0] : t[i / perChannel], MathF.Abs(w), ref ops)).ToArray());
        }
        float[]? constants = context.Compensation(conv);
        if (layout is not null)
        {
            string sorted = PrepareSorted(context, name, g, layout, out string map);
            // The engine's layout: the positive operands' constants, then the negative ones'.
            string positive = constants is null ? "0" : context.ConstFloat(name + "_comp", constants);
            string negative = constants is null ? "0" : $"{positive} + {weights.Length}";
            context.Kernel("conv_sorted_f", SortedKernel(fixedPoint: false));
            // Its own buffer, not the float arena: the list is read as uint16.
            context.NeedList(layout.ListElements);
            context.Line($"unit_conv_sorted_f(&{geom}, &{sorted}, {map}, {colsName}, {input}, {wName}, {bias}, {thresholds}, {positive}, {negative}, {output}, unit_acc, unit_list, unit_starts, {counters});");
            return;
        }
        string compensation = constants is null ? "0" : context.ConstFloat(name + "_comp", EmitContext.Pairs(constants, null));
        context.Kernel("conv_f", FloatKernel);
        context.Line($"unit_conv_f(&{geom}, {colsName}, {input}, {wName}, {bias}, {thresholds}, {compensation}, {output}, {counters});");
    }
}
