using System.Text;
using System.Text.RegularExpressions;

namespace UnIT.Export;

/// <summary>The C helpers the generated source starts with: integer-only, no libc beyond stdint.h/string.h.</summary>
internal static class CRuntime
{
    /// <summary>
    /// <paramref name="runtime"/> (<see cref="FixedPoint"/> or <see cref="Float"/>) without the helpers <paramref name="code"/>
    /// never reaches, directly or through other helpers: clang warns about an unused static function, and tools/msp430 builds
    /// with -Werror. A helper is a block between blank lines that defines one static inline function or one macro (and no
    /// preprocessor conditional); every other block stays.
    /// </summary>
    public static string Used(string runtime, string code)
    {
        string[] blocks = runtime.TrimEnd('\n').Split("\n\n");
        string?[] names = blocks.Select(HelperName).ToArray();
        var kept = names.Select(n => n is null).ToArray();
        var reached = new StringBuilder(code);
        foreach (string block in blocks.Where((_, i) => kept[i]))
        {
            reached.Append(block);
        }
        for (bool grew = true; grew;)
        {
            grew = false;
            string text = reached.ToString();
            for (int i = 0; i < blocks.Length; i++)
            {
                if (!kept[i] && Regex.IsMatch(text, $@"\b{names[i]}\b"))
                {
                    kept[i] = grew = true;
                    reached.Append(blocks[i]);
                }
            }
        }
        return string.Join("\n\n", blocks.Where((_, i) => kept[i])) + "\n\n";
    }

    private static string? HelperName(string block)
    {
        if (block.Contains("#if", StringComparison.Ordinal))
        {
            return null;
        }
        Match m = Regex.Match(block, @"^(?:static inline [^(\n]*?\b(\w+)\(|#define (\w+))", RegexOptions.Multiline);
        return m.Success ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) : null;
    }

    /// <summary>Types the constants use.</summary>
    public const string Geometry = """
        /* Loop bounds of one convolution, as stored in unit_model_data.h. */
        typedef struct
        {
            unit_idx_t cin_g, in_h, in_w, cout_g, out_h, out_w, k_h, k_w, s_h, s_w, pad_t, dil_h, groups;
        } unit_conv_geom;

        /* The padded accumulator plane of a stride-1 UnIT convolution: its width, the place of output (0, 0), the place input
         * (0, 0) meets at kernel offset (0, 0), and the column dilation. */
        typedef struct
        {
            unit_idx_t acc_w, out_first, in_first, dil_w;
        } unit_conv_sorted;

        /* An msp430 layer's skip-compensation constants, one per weight in the emitted weight order: for a positive operand,
         * for a negative one (0 when every such constant is 0, as after a ReLU), in units of 2^shift of the product's Q format. */
        typedef struct
        {
            const int16_t *pos, *neg;
            int16_t shift;
        } unit_comp;

        """;

    /// <summary>Helpers of both profiles: float bits, counters.</summary>
    public const string Common = """
        /* Float bits without float arithmetic (no soft-float library needed on an FPU-less core). */
        typedef union { float f; uint32_t u; } unit_bits;

        #ifdef UNIT_COUNT
        unit_layer_counts unit_counts[UNIT_LAYER_COUNT];
        #define UNIT_CNT(c, field, v) ((c)->field += (uint32_t)(v))
        #define UNIT_CNT_ARG(i) (&unit_counts[i])
        #else
        #define UNIT_CNT(c, field, v) ((void)0)
        #define UNIT_CNT_ARG(i) ((unit_layer_counts *)0)
        #endif

        /* Called before each node and at the end of the graph: a firmware may time the layers with it (tools/msp430 does). */
        #ifndef UNIT_LAYER_MARK
        #define UNIT_LAYER_MARK() ((void)0)
        #endif

        """;

    /// <summary>Helpers of the int16 fixed-point profile (msp430).</summary>
    public const string FixedPoint = """
        /* Hooks a firmware may replace with target primitives (tools/msp430 uses its inline-assembly ones). */
        #ifndef UNIT_MUL16
        #define UNIT_MUL16(a, b) ((int32_t)(a) * (int32_t)(b))
        #endif
        #ifndef UNIT_SAT_ADD32
        static inline int32_t unit_sat_add32_c(int32_t a, int32_t b)
        {
            int32_t s = (int32_t)((uint32_t)a + (uint32_t)b);
            if (((a ^ s) & (b ^ s)) < 0) /* a and b share a sign that s lacks */
            {
                s = a < 0 ? INT32_MIN : INT32_MAX;
            }
            return s;
        }
        #define UNIT_SAT_ADD32 unit_sat_add32_c
        #endif

        /* |v| of an int16 as uint16 (the sorted-list kernels' key); a firmware may give a faster one. */
        #ifndef UNIT_ABS16
        #define UNIT_ABS16(v) ((uint16_t)((v) < 0 ? 0u - (uint16_t)(v) : (uint16_t)(v)))
        #endif

        /* A skip-compensation constant in the product's Q format: v * 2^shift (shifted unsigned, which C defines for negative v). */
        static inline int32_t unit_comp_value(int16_t v, int16_t shift)
        {
            return (int32_t)((uint32_t)(int32_t)v << shift);
        }

        /* FixedPointMath.SaturatingShiftLeft: a neuron's sum of skip-compensation constants v * 2^shift, saturated to int32;
         * lim = INT32_MAX >> shift, found once per layer (the MSP430 shifts a bit at a time). */
        static inline int32_t unit_comp_sum(int32_t v, int32_t lim, int16_t shift)
        {
            return v > lim ? INT32_MAX : v < -lim - 1 ? INT32_MIN : (int32_t)((uint32_t)v << shift);
        }

        static inline int16_t unit_sat16(int32_t v)
        {
            return v > 32767 ? (int16_t)32767 : v < -32768 ? (int16_t)-32768 : (int16_t)v;
        }

        /* FixedPointMath.Requantize: (acc + 2^(s-1)) >> s without overflow as q = acc >> (s-1); q/2 + (q & 1);
         * acc << -s for s < 0; saturated to int16. s <= 32 (the generator caps it; larger shifts give 0 too). */
        static inline int16_t unit_requant(int32_t v, int16_t s)
        {
            if (s > 0)
            {
                v = v >> (s - 1);
                v = (v >> 1) + (v & 1);
            }
            else if (s < 0)
            {
                int16_t i;
                for (i = s; i < 0 && v <= 32767 && v >= -32768; i++)
                {
                    v = (int32_t)((uint32_t)v << 1);
                }
            }
            return unit_sat16(v);
        }

        /* Quantize(Dequantize(q, fi), fo) = round half away from zero of q * 2^d, d = fo - fi, saturated. */
        static inline int16_t unit_rescale(int16_t q, int16_t d)
        {
            if (d > 0)
            {
                if (q == 0)
                {
                    return 0;
                }
                if (d >= 16)
                {
                    return q < 0 ? (int16_t)-32768 : (int16_t)32767;
                }
                return unit_sat16((int32_t)((uint32_t)(int32_t)q << d));
            }
            if (d < 0)
            {
                uint32_t a = q < 0 ? (uint32_t)(-(int32_t)q) : (uint32_t)q;
                int16_t k = (int16_t)-d;
                if (k > 30)
                {
                    return 0;
                }
                a = (a + ((uint32_t)1 << (k - 1))) >> k;
                return q < 0 ? (int16_t)-(int32_t)a : (int16_t)a;
            }
            return q;
        }

        /* A max pool's result in its output's Q format. */
        #define UNIT_POOL_RESULT(acc, rescale) unit_rescale((acc), (rescale))

        /* FixedPointMath.Quantize(v, f): round half away from zero of v * 2^f, saturated to int16; from the bits. */
        static inline int16_t unit_q_from_float(float v, int16_t f)
        {
            unit_bits b;
            uint32_t m, r;
            int16_t field, sh;
            b.f = v;
            field = (int16_t)((b.u >> 23) & 0xFF);
            m = b.u & 0x7FFFFFu;
            if (field == 0xFF)
            {
                return m != 0 ? (int16_t)0 : (b.u >> 31) ? (int16_t)-32768 : (int16_t)32767;
            }
            if (field == 0)
            {
                field = 1; /* subnormal: no hidden bit */
            }
            else
            {
                m |= 0x800000u;
            }
            if (m == 0)
            {
                return 0;
            }
            sh = (int16_t)(field - 150 + f); /* |v| * 2^f = m * 2^sh */
            if (sh >= 0)
            {
                r = 0x10000u; /* only normals get here (f <= 24), and m >= 2^23: saturates */
            }
            else if (sh < -25)
            {
                r = 0;
            }
            else
            {
                r = ((m >> (-sh - 1)) + 1u) >> 1; /* = (m + 2^(k-1)) >> k, k = -sh: one variable shift */
            }
            if (b.u >> 31)
            {
                return r >= 32768u ? (int16_t)-32768 : (int16_t)-(int32_t)r;
            }
            return r >= 32767u ? (int16_t)32767 : (int16_t)r;
        }

        /* FixedPointMath.Dequantize(q, f) = q * 2^-f, exact, built from the bits (16-bit shifts only: no 32-bit shift helper). */
        static inline float unit_float_from_q(int16_t q, int16_t f)
        {
            unit_bits b;
            uint16_t m = q < 0 ? (uint16_t)(0u - (uint16_t)q) : (uint16_t)q;
            int16_t p = 15;
            if (m == 0)
            {
                b.u = 0;
                return b.f;
            }
            while (!(m & 0x8000u)) /* |q| = m * 2^(p - 15) with the top bit of m set */
            {
                m = (uint16_t)(m << 1);
                p--;
            }
            b.u = ((uint32_t)(q < 0) << 31) | ((uint32_t)(uint16_t)(p - f + 127) << 23) | ((uint32_t)(m & 0x7FFFu) << 8);
            return b.f;
        }

        /* floor(log2 a) for 1 <= a <= 32768, by four compares. */
        static inline uint16_t unit_log2_16(uint16_t a)
        {
            uint16_t e = 0;
            if (a >= 256u) { a >>= 8; e = 8; }
            if (a >= 16u) { a >>= 4; e += 4; }
            if (a >= 4u) { a >>= 2; e += 2; }
            if (a >= 2u) { e += 1; }
            return e;
        }

        """;

    /// <summary>Helpers of the float32 profile (max78000).</summary>
    public const string Float = """
        /* The engine adds each convolution product with one fused multiply-add (a single rounding), in the order of
         * the weights (input channel, kernel row, kernel column), as a Cortex-M4F's VFMA does. */
        #define UNIT_FMA(x, w, acc) __builtin_fmaf((x), (w), (acc))

        /* Each layer kernel is inlined where a layer calls it, so that the compiler folds that layer's constant geometry into
         * its loops; a kernel two layers call stays generic otherwise (dense mnist_cnn on a Cortex-M4F: 21 % more instructions). */
        #if defined(__GNUC__) || defined(__clang__)
        #define UNIT_LAYER_KERNEL static inline __attribute__((always_inline))
        #else
        #define UNIT_LAYER_KERNEL static inline
        #endif

        /* A max pool's result: the maximum itself. */
        #define UNIT_POOL_RESULT(acc, rescale) (acc)

        static inline float unit_fabs(float v)
        {
            unit_bits b;
            b.f = v;
            b.u &= 0x7FFFFFFFu;
            return b.f;
        }

        /* The bits of |v|: for t >= 0 (or -0) and not NaN, |x| > t <=> unit_abs_bits(x) > unit_abs_bits(t) as unsigned integers
         * (non-negative floats order as their bits), an integer compare instead of the FPU's compare and status move. A NaN x
         * passes every such test (its MAC then gives NaN, as the engine's reference kernel does); a float compare would skip it. */
        static inline uint32_t unit_abs_bits(float v)
        {
            unit_bits b;
            b.f = v;
            return b.u & 0x7FFFFFFFu;
        }

        /* floor(log2 |v|) + 149 for finite nonzero v, subnormals included: the index of the per-exponent tables. */
        static inline uint16_t unit_exp_index(float v)
        {
            unit_bits b;
            uint32_t field, m;
            uint16_t e = 0;
            b.f = v;
            field = (b.u >> 23) & 0xFFu;
            if (field != 0)
            {
                return (uint16_t)(field + 22u);
            }
            m = b.u & 0x7FFFFFu;
            while ((m >> e) > 1u)
            {
                e++;
            }
            return e;
        }

        """;
}
