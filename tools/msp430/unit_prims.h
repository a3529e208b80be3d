/*
 * 32-bit primitives of the kernels' hot paths. Two builds, same results:
 *   default  : portable C, as clang-14 compiles it. Its MSP430 back end does not use ADDC/RRC for 32-bit
 *              arithmetic (a 32-bit add takes a compare and a status-register trick for the carry, a 32-bit
 *              shift by one bit about 12 instructions), so this build is slow for reasons that are the
 *              compiler's, not the algorithm's.
 *   UNIT_ASM : the same operations in MSP430 inline assembly (ADD/ADDC, RRA/RRC), what a hand-tuned or a
 *              better compiler's build would run.
 */
#ifndef UNIT_PRIMS_H
#define UNIT_PRIMS_H

#include <stdint.h>

/* a + b saturated to int32 (FixedPointMath.SaturatingAdd). */
static inline int32_t unit_sat_add32(int32_t a, int32_t b)
{
#ifdef UNIT_ASM
    uint16_t lo = (uint16_t)a, hi = (uint16_t)((uint32_t)a >> 16);
    /* ADD/ADDC; on signed overflow (V, SR bit 8) a and b had the same sign: saturate towards b's sign. */
    __asm__("add   %[blo], %[lo]\n\t"
            "addc  %[bhi], %[hi]\n\t"
            "bit   #256, r2\n\t"
            "jz    1f\n\t"
            "mov   #-1, %[lo]\n\t"
            "mov   #0x7fff, %[hi]\n\t"
            "tst   %[bhi]\n\t"
            "jge   1f\n\t"
            "mov   #0, %[lo]\n\t"
            "mov   #0x8000, %[hi]\n"
            "1:\n"
            : [lo] "+r"(lo), [hi] "+r"(hi)
            : [blo] "r"((uint16_t)b), [bhi] "r"((uint16_t)((uint32_t)b >> 16))
            : "cc");
    return (int32_t)(((uint32_t)hi << 16) | lo);
#else
    int32_t s = (int32_t)((uint32_t)a + (uint32_t)b);
    /* Overflow iff a and b share a sign that s does not have. */
    if (((a ^ s) & (b ^ s)) < 0)
    {
        s = a < 0 ? INT32_MIN : INT32_MAX;
    }
    return s;
#endif
}

/* |v| of an int16 as uint16 (|-32768| = 32768 fits). clang-14 turns the C form into a branch-free sign mask
 * whose v >> 15 alone costs nine instructions; the assembly form is TST/JGE/INV/INC. */
static inline uint16_t unit_abs16(int16_t v)
{
#ifdef UNIT_ASM
    uint16_t r = (uint16_t)v;
    __asm__("tst   %[r]\n\t"
            "jge   1f\n\t"
            "inv   %[r]\n\t"
            "inc   %[r]\n"
            "1:"
            : [r] "+r"(r)
            :
            : "cc");
    return r;
#else
    return v < 0 ? (uint16_t)(0u - (uint16_t)v) : (uint16_t)v;
#endif
}

/* v >> 1, arithmetic. */
static inline int32_t unit_sar1_32(int32_t v)
{
#ifdef UNIT_ASM
    uint16_t lo = (uint16_t)v, hi = (uint16_t)((uint32_t)v >> 16);
    __asm__("rra   %[hi]\n\t"
            "rrc   %[lo]"
            : [lo] "+r"(lo), [hi] "+r"(hi)
            :
            : "cc");
    return (int32_t)(((uint32_t)hi << 16) | lo);
#else
    return v >> 1;
#endif
}

#endif
