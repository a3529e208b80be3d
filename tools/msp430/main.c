/*
 * Runs one UnIT layer on the data of a case header (passed with -include, see run.sh and cases/),
 * writes the int16 results to unit_out (and, with -DUNIT_COUNT, the counters to unit_counts), then
 * calls unit_done. run.sh reads the cycles spent between unit_bench_begin and unit_bench_end.
 *
 * A case header defines either UNIT_CASE_CONV (UNIT_CONV_GEOMETRY_INIT) or UNIT_CASE_FC (UNIT_FC_K,
 * UNIT_FC_N), plus UNIT_OUT_SHIFT, UNIT_THRESHOLD_COUNT, UNIT_OUT_LEN, UNIT_ACC_LEN and the arrays
 * unit_input, unit_weight (FC: transposed, K x N), unit_bias, unit_thresholds.
 */
#include <stdint.h>
#include "unit_kernels.h"

#if !defined(UNIT_CASE_CONV) && !defined(UNIT_CASE_FC)
#error "No case header: build with -include <case.h> (see run.sh)."
#endif

int16_t unit_out[UNIT_OUT_LEN] __attribute__((section(".fram_noinit")));
int32_t unit_acc[UNIT_ACC_LEN];
unit_counters unit_counts;

/* Breakpoint targets around the measured region; the asm keeps the calls and their order. */
__attribute__((noinline)) void unit_bench_begin(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void unit_bench_end(void)
{
    __asm__ volatile("" ::: "memory");
}

int main(void)
{
#ifdef UNIT_CASE_CONV
    static const unit_conv_geometry geometry = UNIT_CONV_GEOMETRY_INIT;
    unit_bench_begin();
    unit_conv(&geometry, unit_input, unit_weight, unit_bias, unit_thresholds, UNIT_THRESHOLD_COUNT, UNIT_OUT_SHIFT,
              unit_out, unit_acc, &unit_counts);
    unit_bench_end();
#else
    unit_bench_begin();
    unit_fc(UNIT_FC_K, UNIT_FC_N, unit_input, unit_weight, unit_bias, unit_thresholds, UNIT_THRESHOLD_COUNT,
            UNIT_OUT_SHIFT, unit_out, unit_acc, &unit_counts);
    unit_bench_end();
#endif
    return 0;
}
