namespace UnIT.Export;

/// <summary>
/// C helpers for the non-MAC ops, added to the generated source only when a node uses them: .NET's Math.Max/Min
/// semantics (IEEE 754-2019: NaN wins, +0 above -0) and the fixed-point rounding of an exact double result.
/// </summary>
internal static class CMath
{
    /// <summary>MathF.Max: NaN propagates, max(-0, +0) = +0.</summary>
    public const string MaxF = "unit_fmaxf";

    /// <summary>MathF.Min: NaN propagates, min(-0, +0) = -0.</summary>
    public const string MinF = "unit_fminf";

    /// <summary>Math.Max on doubles.</summary>
    public const string MaxD = "unit_fmaxd";

    /// <summary>Math.Min on doubles.</summary>
    public const string MinD = "unit_fmind";

    /// <summary>FixedPointMath.Quantize of a double (the exact result of two Q operands).</summary>
    public const string QFromDouble = "unit_q_from_double";

    /// <summary>
    /// MathF.Max/Min (float) or Math.Max/Min (double), IEEE 754-2019 maximum and minimum: a NaN operand wins; of two
    /// zeros, max is +0 and min is -0. {T}: the type, {S}: its suffix, {B}: the union with its bits, {H}: the sign bit.
    /// </summary>
    private const string MaxMinTemplate = """
        static inline {T} unit_fmax{S}({T} a, {T} b)
        {
            {B} s;
            if (a != a || b != b)
            {
                return a != a ? a : b;
            }
            s.v = a;
            return a == b ? ((s.u >> {H}) ? b : a) : a > b ? a : b;
        }

        static inline {T} unit_fmin{S}({T} a, {T} b)
        {
            {B} s;
            if (a != a || b != b)
            {
                return a != a ? a : b;
            }
            s.v = a;
            return a == b ? ((s.u >> {H}) ? a : b) : a < b ? a : b;
        }

        """;

    private static readonly string MaxMinFloat = "typedef union { float v; uint32_t u; } unit_fbits;\n" +
        MaxMinTemplate.Replace("{T}", "float").Replace("{S}", "f").Replace("{B}", "unit_fbits").Replace("{H}", "31");

    private static readonly string MaxMinDouble = "typedef union { double v; uint64_t u; } unit_dbits;\n" +
        MaxMinTemplate.Replace("{T}", "double").Replace("{S}", "d").Replace("{B}", "unit_dbits").Replace("{H}", "63");

    private const string QuantizeDouble = """
        /* The exact results of two Q operands need a 64-bit double (int16 values 2^-24..2^8 apart fit its 53 bits). */
        typedef char unit_double_is_64_bits[sizeof(double) == 8 ? 1 : -1];

        /* FixedPointMath.Quantize(v, f) for a double v; scale = 2^f: round half away from zero, saturate, NaN to 0
         * (.NET's saturating conversion). v * 2^f is exact: |v| < 2^50 and f is within [-8, 24]. */
        static inline int16_t unit_q_from_double(double v, double scale)
        {
            double s = v * scale, frac;
            int32_t t;
            if (s != s)
            {
                return 0;
            }
            if (s >= 32767.0)
            {
                return 32767;
            }
            if (s <= -32768.0)
            {
                return -32768;
            }
            t = (int32_t)s;
            frac = s - (double)t;
            t += frac >= 0.5 ? 1 : frac <= -0.5 ? -1 : 0;
            return (int16_t)t;
        }

        """;

    /// <summary>The C text that defines helper <paramref name="name"/> (one of the constants above), and a key shared by helpers defined together.</summary>
    public static (string Key, string Text) Of(string name) => name switch
    {
        MaxF or MinF => ("fmaxminf", MaxMinFloat),
        MaxD or MinD => ("fmaxmind", MaxMinDouble),
        QFromDouble => (QFromDouble, QuantizeDouble),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such C helper."),
    };
}
