/*
 * Included (-include) before a generated unit_model.c by run.sh --main: the generated code's MAC hooks become this
 * tool's MSP430 primitives (unit_prims.h's saturating add, unit_arith.c's multiply: shift-and-add in C or inline
 * assembly, or the hardware multiplier with UNIT_HWMULT), the same ones the single-kernel cases use.
 */
#ifndef UNIT_MODEL_GLUE_H
#define UNIT_MODEL_GLUE_H
#include "unit_prims.h"

int32_t unit_mul16(int16_t a, int16_t b);
#define UNIT_MUL16(a, b) unit_mul16((a), (b))
#define UNIT_SAT_ADD32(a, b) unit_sat_add32((a), (b))
/* The MSP430FR5994 has 8 KiB of SRAM: the activation arena and accumulators of a CNN live in FRAM (not zeroed at
 * start-up; every element is written before it is read). The simulator charges FRAM like RAM (no wait states). */
#define UNIT_BUFFER_ATTR __attribute__((section(".fram_noinit")))
#endif
