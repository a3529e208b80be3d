/*
 * Included (-include) before a generated unit_model.c by run.sh --main: the generated code's MAC hooks become this
 * tool's MSP430 primitives (unit_prims.h's saturating add, unit_arith.c's multiply: shift-and-add in C or inline
 * assembly, or the hardware multiplier with UNIT_HWMULT), the same ones the single-kernel cases use.
 */
#ifndef UNIT_MODEL_GLUE_H
#define UNIT_MODEL_GLUE_H
#include "unit_prims.h"

#if defined(UNIT_HWMULT)
/* The MPY peripheral inline (unit_arith.c's unit_mul16 does the same in a function): no call, and the caller keeps its
 * registers across the MAC. Write MPYS then OP2, read RESLO/RESHI. */
static inline int32_t unit_mul16_hw(int16_t a, int16_t b)
{
    *(volatile int16_t *)0x0132 = a;
    *(volatile int16_t *)0x0138 = b;
    return (int32_t)(((uint32_t)*(volatile uint16_t *)0x013C << 16) | *(volatile uint16_t *)0x013A);
}
#define UNIT_MUL16(a, b) unit_mul16_hw((a), (b))
#else
int32_t unit_mul16(int16_t a, int16_t b);
#define UNIT_MUL16(a, b) unit_mul16((a), (b))
#endif
#define UNIT_SAT_ADD32(a, b) unit_sat_add32((a), (b))
/* |x| for the sorted-list convolution's sort key (the assembly form avoids clang-14's nine-instruction sign mask). */
#define UNIT_ABS16(v) unit_abs16(v)
#if defined(UNIT_ASM) && !defined(UNIT_COUNT)
/* The convolution's skip scan (see the generated unit_skip_scan): the first operand in [p, end) with
 * (uint16_t)(x + t) > t2, or end. Per skipped operand: end test (cmp, jeq), load with auto-increment, add, compare,
 * branch: 9 cycles. The counting build keeps the C scan, which also counts the skipped nonzero operands. */
static inline const int16_t *unit_skip_scan_asm(const int16_t *p, const int16_t *end, uint16_t t, uint16_t t2)
{
    uint16_t u;
    __asm__("1:\n\t"
            "cmp   %[end], %[p]\n\t"
            "jeq   2f\n\t"
            "mov   @%[p]+, %[u]\n\t"
            "add   %[t], %[u]\n\t"
            "cmp   %[u], %[t2]\n\t"
            "jhs   1b\n\t"
            "decd  %[p]\n"
            "2:"
            : [p] "+r"(p), [u] "=&r"(u)
            : [end] "r"(end), [t] "r"(t), [t2] "r"(t2)
            : "cc");
    return p;
}
#define UNIT_SKIP_SCAN(p, end, t, t2, cnt) unit_skip_scan_asm((p), (end), (t), (t2))
#endif
/* Per-node cycles: model_main.c's breakpoint target, before each node and at the end of an inference. */
void unit_layer_mark(void);
#define UNIT_LAYER_MARK() unit_layer_mark()
/* The MSP430FR5994 has 8 KiB of SRAM: the activation arena and accumulators of a CNN live in FRAM (not zeroed at
 * start-up; every element is written before it is read). The simulator charges FRAM like RAM (no wait states).
 * mcu-bench keeps the accumulators in SRAM when they take at most 6 KiB (run.sh --define UNIT_ACC_ATTR=), which leaves more
 * of the FRAM below 64 KiB to code and constants. */
#define UNIT_BUFFER_ATTR __attribute__((section(".fram_noinit")))
#endif
