/*
 * UnIT int16 fixed-point pruned kernels for a real MSP430 build (no libc, no hardware multiplier
 * unless UNIT_HWMULT is defined). They mirror, operation for operation where it matters for the
 * result, the C# emulation in src/UnIT.ML/Kernels/FixedPointConvKernel.cs,
 * FixedPointFullyConnectedKernel.cs and FixedPointMath.cs with the BitShift approximator
 * (src/UnIT.ML/Division/BitShiftDivision.cs, integer reading):
 *   - int16 activations and weights, int32 accumulators with saturating adds,
 *   - threshold of a control term c: T >> floor(log2 |c|), found on the device by shifting |c|
 *     right until it is 1 (one single-bit shift of T per step),
 *   - a MAC runs only when |Z| > t, zeros are always skipped,
 *   - output = int16-saturated (acc + 2^(s-1)) >> s (round half up), or acc << -s when s < 0.
 * Accumulation order per output element is the C# order (input channel, kernel row, kernel column),
 * which matters because the saturating add is not associative.
 */
#ifndef UNIT_KERNELS_H
#define UNIT_KERNELS_H

#include <stdint.h>

/* Loop bounds of one 2-D convolution (1-D: in_h = out_h = k_h = 1). Output size and channels per
 * group are precomputed by the host, as a deployment would hard-code them (no division on the device). */
typedef struct
{
    uint16_t in_per_group, in_h, in_w;
    uint16_t out_per_group, out_h, out_w;
    uint16_t k_h, k_w;
    uint16_t stride_h, stride_w;
    uint16_t pad_top, pad_left;
    uint16_t dil_h, dil_w;
    uint16_t groups;
} unit_conv_geometry;

/* Counters of the pruned path; only updated when built with -DUNIT_COUNT (they cost cycles). */
typedef struct
{
    uint32_t executed;          /* MACs run */
    uint32_t skipped_threshold; /* nonzero operands skipped by |Z| <= t */
    uint32_t tested;            /* skip tests on Z (conv) / (input, neuron) pairs tested (FC) */
    uint32_t threshold_steps;   /* BitShift loop steps (each: one shift of |C| and one of T) */
} unit_counters;

/* Largest supported kernel width (per-column valid ranges live on the stack). */
#define UNIT_MAX_KW 16

/* Signed 16 x 16 -> 32 multiply: software shift-and-add, or the MPY peripheral with UNIT_HWMULT. */
int32_t unit_mul16(int16_t a, int16_t b);

/* BitShift threshold for control magnitude c >= 1, saturated to 0x8000 (|Z| of an int16 never exceeds it). */
uint16_t unit_bitshift_threshold(int32_t t, uint16_t c);

/* acc -> int16, exactly FixedPointMath.Requantize. */
int16_t unit_requantize(int32_t acc, int16_t shift);

/*
 * One sample of a UnIT convolution; C = weight, Z = input activation.
 * With in_c = groups * in_per_group and out_c = groups * out_per_group:
 * input: in_c x in_h x in_w; weight: out_c x in_per_group x k_h x k_w; bias: out_c (product Q);
 * thresholds: 1 (layer) or out_c (per output channel), product Q; acc: scratch of out_h*out_w;
 * output: out_c x out_h x out_w. counters may be 0.
 */
void unit_conv(const unit_conv_geometry *g, const int16_t *input, const int16_t *weight, const int32_t *bias,
               const int32_t *thresholds, uint16_t threshold_count, int16_t out_shift,
               int16_t *output, int32_t *acc, unit_counters *counters);

/*
 * One row of a UnIT fully connected layer; C = input activation, Z = weight.
 * input: k; weight_t: k x n (transposed, row k holds the weights input k feeds); bias: n;
 * thresholds: 1 (layer) or n (per neuron); acc: scratch of n; output: n.
 */
void unit_fc(uint16_t k, uint16_t n, const int16_t *input, const int16_t *weight_t, const int32_t *bias,
             const int32_t *thresholds, uint16_t threshold_count, int16_t out_shift,
             int16_t *output, int32_t *acc, unit_counters *counters);

#endif
