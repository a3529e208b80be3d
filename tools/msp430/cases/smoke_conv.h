/* Hand-written smoke case: 1 -> 1 channel, 3x3 input, 2x2 kernel, no padding, T = 0, output shift 0.
 * Expected output (worked by hand): 1477 -1833 -133 2877; 11 MACs run (the weight 0 is skipped). */
#include <stdint.h>
#define UNIT_CASE_CONV 1
#define UNIT_CONV_GEOMETRY_INIT { 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, 1 }
#define UNIT_OUT_SHIFT 0
#define UNIT_THRESHOLD_COUNT 1
#define UNIT_OUT_LEN 4
#define UNIT_ACC_LEN 4
static const int16_t unit_input[] = { 1, 2, 3, -4, 5, -6, 7, 0, 9 };
static const int16_t unit_weight[] = { 10, -20, 0, 300 };
static const int32_t unit_bias[] = { 7L };
static const int32_t unit_thresholds[] = { 0L };
