/*
 * Arithmetic for an MSP430 without a hardware multiplier or divider, written for this tool (no libgcc,
 * no libc): the kernels' MAC multiply unit_mul16 (portable C, MSP430 inline assembly with UNIT_ASM, or
 * the MPY peripheral with UNIT_HWMULT), and the MSPABI helpers clang emits calls to for the few
 * per-layer index products and divisions (__mspabi_mpyi, __mspabi_mpyl, __mspabi_divu, __mspabi_remu,
 * __mspabi_divul, __mspabi_divli, 32-bit shifts). All shift-and-add / shift-and-subtract; none of these helpers multiplies, so none
 * recurses into itself.
 */
#include <stdint.h>
#include "unit_prims.h"

#if defined(UNIT_HWMULT)
/* The MSP430 16-bit hardware multiplier (MPY16 register map of the F1xx/F4xx/G2xx families, which is what
 * mspdebug's `simio add hwmult` emulates; the FR5994's MPY32 sits at 0x04C0 with the same use): write
 * MPYS then OP2, read RESLO/RESHI. */
#define UNIT_MPYS (*(volatile int16_t *)0x0132)
#define UNIT_OP2 (*(volatile int16_t *)0x0138)
#define UNIT_RESLO (*(volatile uint16_t *)0x013A)
#define UNIT_RESHI (*(volatile uint16_t *)0x013C)

int32_t unit_mul16(int16_t a, int16_t b)
{
    UNIT_MPYS = a;
    UNIT_OP2 = b;
    uint16_t lo = UNIT_RESLO;
    uint16_t hi = UNIT_RESHI;
    return (int32_t)(((uint32_t)hi << 16) | lo);
}
#else
/*
 * Signed 16 x 16 -> 32 software multiply (shift-and-add). Works on magnitudes; the smaller one is the
 * multiplier, so the loop runs as many steps as it has significant bits (at most 16).
 */
int32_t unit_mul16(int16_t a, int16_t b)
{
    uint16_t ua = unit_abs16(a);
    uint16_t ub = unit_abs16(b);
    if (ua < ub)
    {
        uint16_t tmp = ua;
        ua = ub;
        ub = tmp;
    }
#ifdef UNIT_ASM
    /* Multiplicand mhi:ua shifts left (RLA/RLC), the multiplier ub shifts right into the carry (RRC). */
    uint16_t plo = 0, phi = 0, mhi = 0;
    __asm__("1:\n\t"
            "clrc\n\t"
            "rrc   %[ub]\n\t"
            "jnc   2f\n\t"
            "add   %[ua], %[plo]\n\t"
            "addc  %[mhi], %[phi]\n"
            "2:\n\t"
            "rla   %[ua]\n\t"
            "rlc   %[mhi]\n\t"
            "tst   %[ub]\n\t"
            "jnz   1b"
            : [plo] "+r"(plo), [phi] "+r"(phi), [ua] "+r"(ua), [mhi] "+r"(mhi), [ub] "+r"(ub)
            :
            : "cc");
    if ((a ^ b) < 0)
    {
        /* Two's complement of phi:plo. */
        __asm__("inv   %[plo]\n\t"
                "inv   %[phi]\n\t"
                "add   #1, %[plo]\n\t"
                "addc  #0, %[phi]"
                : [plo] "+r"(plo), [phi] "+r"(phi)
                :
                : "cc");
    }
    return (int32_t)(((uint32_t)phi << 16) | plo);
#else
    uint32_t multiplicand = ua, product = 0;
    while (ub != 0)
    {
        if (ub & 1u)
        {
            product += multiplicand;
        }
        multiplicand <<= 1;
        ub >>= 1;
    }
    return (a ^ b) < 0 ? -(int32_t)product : (int32_t)product;
#endif
}
#endif

/* 16 x 16 -> 16 (low word; same for signed and unsigned). */
int16_t __mspabi_mpyi(int16_t a, int16_t b)
{
    uint16_t x = (uint16_t)a, y = (uint16_t)b, r = 0;
    while (y != 0)
    {
        if (y & 1u)
        {
            r += x;
        }
        x <<= 1;
        y >>= 1;
    }
    return (int16_t)r;
}

/* 32 x 32 -> 32 (low word). */
int32_t __mspabi_mpyl(int32_t a, int32_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b, r = 0;
    while (y != 0)
    {
        if (y & 1u)
        {
            r += x;
        }
        x <<= 1;
        y >>= 1;
    }
    return (int32_t)r;
}

/* Unsigned 16-bit division and remainder (restoring shift-and-subtract); x / 0 gives 0xFFFF. */
static uint16_t divmodu16(uint16_t n, uint16_t d, uint16_t *rem)
{
    uint16_t q = 0, r = 0;
    uint16_t i;
    for (i = 0; i < 16; i++)
    {
        r = (uint16_t)((r << 1) | ((n & 0x8000u) ? 1u : 0u));
        n = (uint16_t)(n << 1);
        q = (uint16_t)(q << 1);
        if (r >= d)
        {
            r = (uint16_t)(r - d);
            q |= 1u;
        }
    }
    *rem = r;
    return q;
}

uint16_t __mspabi_divu(uint16_t n, uint16_t d)
{
    uint16_t r;
    return divmodu16(n, d, &r);
}

uint16_t __mspabi_remu(uint16_t n, uint16_t d)
{
    uint16_t r;
    divmodu16(n, d, &r);
    return r;
}

/* Unsigned and signed 32-bit division (restoring, one quotient bit per step; x / 0 gives all ones): the exported C with
 * exact division divides each group's threshold by |x| at run time. */
uint32_t __mspabi_divul(uint32_t n, uint32_t d)
{
    uint32_t q = 0, r = 0;
    uint16_t i;
    for (i = 0; i < 32; i++)
    {
        r = (r << 1) | ((uint16_t)(n >> 16) >> 15);
        n <<= 1;
        q <<= 1;
        if (r >= d)
        {
            r -= d;
            q |= 1u;
        }
    }
    return q;
}

int32_t __mspabi_divli(int32_t n, int32_t d)
{
    uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
    uint32_t ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
    uint32_t q = __mspabi_divul(un, ud);
    return (int32_t)((n < 0) != (d < 0) ? 0u - q : q);
}

/* 32-bit shifts by a variable count (count in r14, as MSPABI passes it): 16 bits at once by moving words, the rest one bit
 * per step (the arithmetic one with unit_sar1_32: RRA/RRC with UNIT_ASM). The generated models' requantization shifts
 * accumulators by 10-20 bits per output, and the soft-float helpers align significands. */
int32_t __mspabi_sral(int32_t v, int16_t n)
{
    if (n >= 16)
    {
        int16_t hi = (int16_t)((uint32_t)v >> 16);
        v = (int32_t)hi; /* the high word, sign-extended: v >> 16 */
        n -= 16;
    }
    if (n >= 8)
    {
        /* A byte at once: constant 8-bit shifts of the words (SWPB, SXT) rather than eight 1-bit steps. */
        uint16_t lo = (uint16_t)v, hi = (uint16_t)((uint32_t)v >> 16);
        lo = (uint16_t)((lo >> 8) | (uint16_t)(hi << 8));
        hi = (uint16_t)((int16_t)hi >> 8);
        v = (int32_t)(((uint32_t)hi << 16) | lo);
        n -= 8;
    }
    while (n-- > 0)
    {
        v = unit_sar1_32(v);
    }
    return v;
}

uint32_t __mspabi_srll(uint32_t v, int16_t n)
{
    if (n >= 16)
    {
        v = (uint16_t)(v >> 16);
        n -= 16;
    }
    while (n-- > 0)
    {
        v >>= 1;
    }
    return v;
}

uint32_t __mspabi_slll(uint32_t v, int16_t n)
{
    if (n >= 16)
    {
        v = (uint32_t)(uint16_t)v << 16;
        n -= 16;
    }
    while (n-- > 0)
    {
        v <<= 1;
    }
    return v;
}
