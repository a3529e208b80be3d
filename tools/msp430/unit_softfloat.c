/*
 * IEEE 754 binary32 add, subtract, multiply and divide for an MSP430 without an FPU, written for this tool (no libgcc,
 * no libc): the MSPABI helpers clang-14 calls for float arithmetic (__mspabi_addf, __mspabi_subf, __mspabi_mpyf,
 * __mspabi_divf). Round to nearest, ties to even, subnormals kept (no flush to zero), as .NET's float arithmetic, so a
 * generated model's float nodes (the Fashion-MNIST input normalization) stay bit-identical to the C# engine. NaN
 * results are quiet NaNs (payloads are not specified). Integer arithmetic only, 32-bit at most.
 * softfloat_check.c compares every operation with the host's hardware float (tools/msp430/check_softfloat.sh).
 */
#include <stdint.h>

typedef union
{
    float f;
    uint32_t u;
} unit_sf_bits;

#define UNIT_SF_SIGN 0x80000000u
#define UNIT_SF_INF 0x7F800000u
#define UNIT_SF_NAN 0x7FC00000u
#define UNIT_SF_HIDDEN 0x40000000u /* a normalized significand: hidden bit at bit 30, 23 fraction bits, 7 rounding bits */

static float unit_sf_float(uint32_t u)
{
    unit_sf_bits b;
    b.u = u;
    return b.f;
}

static uint32_t unit_sf_u(float f)
{
    unit_sf_bits b;
    b.f = f;
    return b.u;
}

static int unit_sf_is_nan(uint32_t u)
{
    return (u & 0x7FFFFFFFu) > UNIT_SF_INF;
}

/* x >> n, with a 1 in bit 0 when a set bit was shifted out (the sticky bit rounding needs). */
static uint32_t unit_sf_jam(uint32_t x, int16_t n)
{
    if (n <= 0)
    {
        return x;
    }
    if (n >= 31)
    {
        return x != 0;
    }
    return (x >> n) | ((x << (32 - n)) != 0);
}

/* Exponent field and significand of a finite nonzero value, subnormals normalized (their exponent goes below 1). */
static int16_t unit_sf_unpack(uint32_t u, uint32_t *sig)
{
    int16_t e = (int16_t)((u >> 23) & 0xFF);
    uint32_t s = (u & 0x7FFFFFu) << 7;
    if (e != 0)
    {
        *sig = s | UNIT_SF_HIDDEN;
        return e;
    }
    e = 1;
    while (s < UNIT_SF_HIDDEN)
    {
        s <<= 1;
        e--;
    }
    *sig = s;
    return e;
}

/* sign | the value sig * 2^(e - 127 - 30) rounded to nearest even; sig normalized (bit 30 its highest) or sticky-shifted. */
static uint32_t unit_sf_pack(uint32_t sign, int16_t e, uint32_t sig)
{
    uint32_t round;
    if (e > 254)
    {
        return sign | UNIT_SF_INF;
    }
    if (e < 1)
    {
        sig = unit_sf_jam(sig, (int16_t)(1 - e));
        e = 1; /* subnormal: the field is 0, and a rounding carry into bit 23 makes it the smallest normal */
    }
    round = sig & 0x7Fu;
    sig = (sig + 0x40u) >> 7;
    if (round == 0x40u)
    {
        sig &= ~(uint32_t)1; /* not ~1u: a 16-bit unsigned on the MSP430, which would clear the high half */
    }
    /* The hidden bit (bit 23 now) adds 1 to the field, hence e - 1; a carry out of the significand adds one more
     * (and reaches the infinity pattern from e = 254). A subnormal lacks the hidden bit, so its field stays 0. */
    return sign + ((uint32_t)(e - 1) << 23) + sig;
}

float __mspabi_addf(float fa, float fb)
{
    uint32_t a = unit_sf_u(fa), b = unit_sf_u(fb), sa, sb, t;
    int16_t ea, eb, et;
    if (unit_sf_is_nan(a) || unit_sf_is_nan(b))
    {
        return unit_sf_float(UNIT_SF_NAN);
    }
    if ((a & 0x7FFFFFFFu) == UNIT_SF_INF)
    {
        return unit_sf_float((b & 0x7FFFFFFFu) == UNIT_SF_INF && (a ^ b) != 0 ? UNIT_SF_NAN : a);
    }
    if ((b & 0x7FFFFFFFu) == UNIT_SF_INF)
    {
        return fb;
    }
    if ((a & 0x7FFFFFFFu) == 0)
    {
        return (b & 0x7FFFFFFFu) == 0 ? unit_sf_float(a & b) : fb; /* -0 + -0 = -0, else +0 */
    }
    if ((b & 0x7FFFFFFFu) == 0)
    {
        return fa;
    }
    /* a: the larger magnitude. */
    if ((a & 0x7FFFFFFFu) < (b & 0x7FFFFFFFu))
    {
        t = a;
        a = b;
        b = t;
    }
    ea = unit_sf_unpack(a, &sa);
    eb = unit_sf_unpack(b, &sb);
    sb = unit_sf_jam(sb, (int16_t)(ea - eb));
    if (((a ^ b) & UNIT_SF_SIGN) == 0)
    {
        sa += sb; /* < 2^32: both are below 2^31 */
        if (sa >= 0x80000000u)
        {
            sa = unit_sf_jam(sa, 1);
            ea++;
        }
        return unit_sf_float(unit_sf_pack(a & UNIT_SF_SIGN, ea, sa));
    }
    sa -= sb;
    if (sa == 0)
    {
        return unit_sf_float(0); /* x - x = +0 when rounding to nearest */
    }
    et = ea;
    while (sa < UNIT_SF_HIDDEN)
    {
        sa <<= 1;
        et--;
    }
    return unit_sf_float(unit_sf_pack(a & UNIT_SF_SIGN, et, sa));
}

float __mspabi_subf(float a, float b)
{
    return __mspabi_addf(a, unit_sf_float(unit_sf_u(b) ^ UNIT_SF_SIGN));
}

float __mspabi_mpyf(float fa, float fb)
{
    uint32_t a = unit_sf_u(fa), b = unit_sf_u(fb), sign = (a ^ b) & UNIT_SF_SIGN;
    uint32_t sa, sb, al, ah, bl, bh, ll, mid, lo, hi, sig;
    int16_t e;
    if (unit_sf_is_nan(a) || unit_sf_is_nan(b))
    {
        return unit_sf_float(UNIT_SF_NAN);
    }
    if ((a & 0x7FFFFFFFu) == UNIT_SF_INF || (b & 0x7FFFFFFFu) == UNIT_SF_INF)
    {
        return unit_sf_float((a & 0x7FFFFFFFu) == 0 || (b & 0x7FFFFFFFu) == 0 ? UNIT_SF_NAN : sign | UNIT_SF_INF);
    }
    if ((a & 0x7FFFFFFFu) == 0 || (b & 0x7FFFFFFFu) == 0)
    {
        return unit_sf_float(sign);
    }
    e = (int16_t)(unit_sf_unpack(a, &sa) + unit_sf_unpack(b, &sb) - 127);
    /* 24 x 24 -> 48-bit product hi:lo from 16-bit halves (the low 7 bits of sa, sb are zero). */
    sa >>= 7;
    sb >>= 7;
    al = sa & 0xFFFFu;
    ah = sa >> 16;
    bl = sb & 0xFFFFu;
    bh = sb >> 16;
    ll = al * bl;
    mid = al * bh + ah * bl; /* < 2^25 */
    lo = ll + (mid << 16);
    hi = ah * bh + (mid >> 16) + (lo < ll);
    /* The product is in [2^46, 2^48): keep its top 31 bits with a sticky bit. */
    if (hi >= 0x8000u)
    {
        sig = (hi << 15) | (lo >> 17) | ((lo & 0x1FFFFu) != 0);
        e++;
    }
    else
    {
        sig = (hi << 16) | (lo >> 16) | ((lo & 0xFFFFu) != 0);
    }
    return unit_sf_float(unit_sf_pack(sign, e, sig));
}

float __mspabi_divf(float fa, float fb)
{
    uint32_t a = unit_sf_u(fa), b = unit_sf_u(fb), sign = (a ^ b) & UNIT_SF_SIGN;
    uint32_t sa, sb, q;
    uint16_t rh, rl, dh, dl, qh = 0, ql = 0, i;
    int16_t e;
    int ainf = (a & 0x7FFFFFFFu) == UNIT_SF_INF, binf = (b & 0x7FFFFFFFu) == UNIT_SF_INF;
    int azero = (a & 0x7FFFFFFFu) == 0, bzero = (b & 0x7FFFFFFFu) == 0;
    if (unit_sf_is_nan(a) || unit_sf_is_nan(b) || (ainf && binf) || (azero && bzero))
    {
        return unit_sf_float(UNIT_SF_NAN);
    }
    if (ainf || bzero)
    {
        return unit_sf_float(sign | UNIT_SF_INF);
    }
    if (azero || binf)
    {
        return unit_sf_float(sign);
    }
    e = (int16_t)(unit_sf_unpack(a, &sa) - unit_sf_unpack(b, &sb) + 127);
    sa >>= 7;
    sb >>= 7;
    if (sa < sb)
    {
        sa <<= 1;
        e--;
    }
    /* Restoring division in 16-bit halves (clang-14 makes slow code of 32-bit compares and shifts on the MSP430): 31
     * quotient bits of sa / sb in [1, 2) into qh:ql, the remainder rh:rl giving the sticky bit. */
    rh = (uint16_t)(sa >> 16);
    rl = (uint16_t)sa;
    dh = (uint16_t)(sb >> 16);
    dl = (uint16_t)sb;
    for (i = 0; i < 31; i++)
    {
        qh = (uint16_t)((qh << 1) | ((ql & 0x8000u) != 0));
        ql = (uint16_t)(ql << 1);
        if (rh > dh || (rh == dh && rl >= dl))
        {
            rh = (uint16_t)(rh - dh - (rl < dl));
            rl = (uint16_t)(rl - dl);
            ql |= 1u;
        }
        rh = (uint16_t)((rh << 1) | ((rl & 0x8000u) != 0));
        rl = (uint16_t)(rl << 1);
    }
    q = ((uint32_t)qh << 16) | ql;
    return unit_sf_float(unit_sf_pack(sign, e, q | ((rh | rl) != 0)));
}

/* int32 to float, rounded to nearest even (a (float) cast of an int32). */
float __mspabi_fltlif(int32_t v)
{
    uint32_t sign = v < 0 ? UNIT_SF_SIGN : 0u;
    uint32_t m = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    int16_t e = 127 + 30;
    if (m == 0)
    {
        return unit_sf_float(0u);
    }
    if (m & UNIT_SF_SIGN)
    {
        m = unit_sf_jam(m, 1); /* only -2^31, exact */
        e++;
    }
    while (m < UNIT_SF_HIDDEN)
    {
        m <<= 1;
        e--;
    }
    return unit_sf_float(unit_sf_pack(sign, e, m));
}

/* Nonzero when a or b is a NaN (clang's unordered test). */
int16_t __unordsf2(float a, float b)
{
    return (int16_t)(unit_sf_is_nan(unit_sf_u(a)) || unit_sf_is_nan(unit_sf_u(b)));
}

/* -1, 0 or 1 as a < b, a == b (+0 equals -0) or a > b; 1 when unordered, as libgcc's __cmpsf2. */
int16_t __mspabi_cmpf(float fa, float fb)
{
    uint32_t a = unit_sf_u(fa), b = unit_sf_u(fb);
    if (unit_sf_is_nan(a) || unit_sf_is_nan(b))
    {
        return 1;
    }
    if (a == b || ((a | b) & ~UNIT_SF_SIGN) == 0)
    {
        return 0;
    }
    if ((a ^ b) & UNIT_SF_SIGN)
    {
        return (a & UNIT_SF_SIGN) ? -1 : 1;
    }
    /* Same sign: the bit patterns order the magnitudes; negative values reverse the order. */
    return ((a < b) != ((a & UNIT_SF_SIGN) != 0)) ? -1 : 1;
}
