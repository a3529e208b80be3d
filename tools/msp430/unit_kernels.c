/* UnIT int16 fixed-point kernels for the MSP430; see unit_kernels.h for what they mirror. */
#include "unit_kernels.h"
#include "unit_prims.h"

#ifdef UNIT_COUNT
#define UNIT_COUNT_ADD(counters, field, v) \
    do                                     \
    {                                      \
        if (counters)                      \
        {                                  \
            (counters)->field += (v);      \
        }                                  \
    } while (0)
#else
#define UNIT_COUNT_ADD(counters, field, v) ((void)0)
#endif

/*
 * BitShift, integer reading: shift c right until it is 1; every step also shifts T right by one bit,
 * so T ends up shifted by n = floor(log2 c). T >= 0. The result is capped at 0x8000 (no |Z| exceeds it),
 * which keeps the per-MAC skip test a 16-bit compare without changing any decision.
 */
static inline uint16_t bitshift_threshold(int32_t threshold, uint16_t c, unit_counters *counters)
{
    int32_t t = threshold;
    (void)counters;
    while (c > 1)
    {
        c >>= 1;
        t = unit_sar1_32(t);
        UNIT_COUNT_ADD(counters, threshold_steps, 1);
    }
    return t > 0x8000 ? (uint16_t)0x8000u : (uint16_t)t;
}

/*
 * The skip test |x| <= t as two signed 16-bit compares: a MAC runs iff x > hi or x < lo, with
 * hi = min(t, 32767) and lo = -t (t <= 0x8000, so lo >= -32768). Same decisions as comparing |x| with t.
 */
typedef struct
{
    int16_t hi, lo;
} skip_bounds;

static inline skip_bounds bounds_of(uint16_t t)
{
    skip_bounds b;
    b.hi = t > 32767u ? (int16_t)32767 : (int16_t)t;
    b.lo = (int16_t)(0u - t);
    return b;
}

uint16_t unit_bitshift_threshold(int32_t t, uint16_t c)
{
    return bitshift_threshold(t, c, 0);
}

int16_t unit_requantize(int32_t acc, int16_t shift)
{
    int32_t v = acc;
    if (shift > 0)
    {
        /* (v + 2^(s-1)) >> s == ((v >> (s-1)) + 1) >> 1, computed without overflow as q/2 + (q & 1). */
        int16_t i;
        if (shift > 32)
        {
            shift = 32; /* v >> 31 is already 0 or -1; more shifts change nothing */
        }
        for (i = 1; i < shift; i++)
        {
            v = unit_sar1_32(v);
        }
        v = unit_sar1_32(v) + (v & 1);
    }
    else if (shift < 0)
    {
        /* Stop once outside int16: the sign is kept, so the result saturates anyway. */
        int16_t i;
        for (i = shift; i < 0 && v <= 32767 && v >= -32768; i++)
        {
            v = (int32_t)((uint32_t)v << 1);
        }
    }
    if (v > 32767)
    {
        return 32767;
    }
    if (v < -32768)
    {
        return -32768;
    }
    return (int16_t)v;
}

void unit_conv(const unit_conv_geometry *g, const int16_t *input, const int16_t *weight, const int32_t *bias,
               const int32_t *thresholds, uint16_t threshold_count, int16_t out_shift,
               int16_t *output, int32_t *acc, unit_counters *counters)
{
    const uint16_t in_h = g->in_h, in_w = g->in_w, out_h = g->out_h, out_w = g->out_w;
    const uint16_t k_h = g->k_h, k_w = g->k_w, stride_h = g->stride_h, stride_w = g->stride_w;
    const uint16_t groups = g->groups;
    const uint16_t in_per_group = g->in_per_group;
    const uint16_t out_per_group = g->out_per_group;
    const uint16_t out_plane = (uint16_t)(out_h * out_w);
    const uint16_t in_plane = (uint16_t)(in_h * in_w);
    const int16_t row_step = (int16_t)(stride_h * in_w);  /* input index step per output row */
    const int16_t kh_row_step = (int16_t)(g->dil_h * in_w); /* input index step per kernel row */
    const int16_t row_origin = (int16_t)(-(int16_t)g->pad_top * (int16_t)in_w);
    uint16_t ow_start[UNIT_MAX_KW], ow_count[UNIT_MAX_KW];
    int16_t col_first[UNIT_MAX_KW];
    (void)counters;

    /* Valid output columns per kernel column (ConvKernel.ValidColumns), found by walking the row once. */
    {
        int16_t offset = (int16_t)(-(int16_t)g->pad_left);
        uint16_t kw;
        for (kw = 0; kw < k_w; kw++, offset += (int16_t)g->dil_w)
        {
            uint16_t start = 0, end = 0, ow;
            int16_t iw = offset, first = offset;
            for (ow = 0; ow < out_w; ow++, iw += (int16_t)stride_w)
            {
                if (iw < 0)
                {
                    start = ow + 1;
                    first = iw + (int16_t)stride_w;
                }
                if (iw < (int16_t)in_w)
                {
                    end = ow + 1;
                }
            }
            ow_start[kw] = start;
            ow_count[kw] = end > start ? (uint16_t)(end - start) : 0;
            col_first[kw] = first;
        }
    }

    const int16_t *w_ptr = weight;
    int16_t *out_ptr = output;
    const int16_t *group_input = input;
    uint16_t m = 0, grp;
    for (grp = 0; grp < groups; grp++, group_input += (uint16_t)(in_per_group * in_plane))
    {
        uint16_t mm;
        for (mm = 0; mm < out_per_group; mm++, m++)
        {
            const int32_t layer_t = thresholds[threshold_count == 1 ? 0 : m];
            const int16_t *plane = group_input;
            uint16_t i, c;
            {
                const int32_t b = bias[m];
                for (i = 0; i < out_plane; i++)
                {
                    acc[i] = b;
                }
            }
            for (c = 0; c < in_per_group; c++, plane += in_plane)
            {
                int16_t ih0 = (int16_t)(-(int16_t)g->pad_top);
                int16_t row0 = row_origin;
                uint16_t kh;
                for (kh = 0; kh < k_h; kh++, ih0 += (int16_t)g->dil_h, row0 += kh_row_step)
                {
                    uint16_t kw;
                    for (kw = 0; kw < k_w; kw++)
                    {
                        const int16_t w = *w_ptr++;
                        if (w == 0)
                        {
                            continue;
                        }
                        const skip_bounds t = bounds_of(bitshift_threshold(layer_t, unit_abs16(w), counters));
                        const uint16_t count = ow_count[kw];
                        if (count == 0)
                        {
                            continue;
                        }
                        int16_t ih = ih0;
                        int16_t row = (int16_t)(row0 + col_first[kw]);
                        int32_t *dst = acc + ow_start[kw];
                        uint16_t oh;
                        for (oh = 0; oh < out_h; oh++, ih += (int16_t)stride_h, row += row_step, dst += out_w)
                        {
                            if ((uint16_t)ih >= in_h)
                            {
                                continue;
                            }
                            const int16_t *src = plane + row;
                            int32_t *d = dst;
                            uint16_t n;
                            UNIT_COUNT_ADD(counters, tested, count);
                            for (n = count; n != 0; n--, src += stride_w, d++)
                            {
                                const int16_t x = *src;
                                if (x > t.hi || x < t.lo)
                                {
                                    *d = unit_sat_add32(*d, unit_mul16(x, w));
                                    UNIT_COUNT_ADD(counters, executed, 1);
                                }
                                else if (x != 0)
                                {
                                    UNIT_COUNT_ADD(counters, skipped_threshold, 1);
                                }
                            }
                        }
                    }
                }
            }
            for (i = 0; i < out_plane; i++)
            {
                out_ptr[i] = unit_requantize(acc[i], out_shift);
            }
            out_ptr += out_plane;
        }
    }
}

void unit_fc(uint16_t k, uint16_t n, const int16_t *input, const int16_t *weight_t, const int32_t *bias,
             const int32_t *thresholds, uint16_t threshold_count, int16_t out_shift,
             int16_t *output, int32_t *acc, unit_counters *counters)
{
    const int16_t *row = weight_t;
    uint16_t kk, j;
    (void)counters;
    for (j = 0; j < n; j++)
    {
        acc[j] = bias[j];
    }
    for (kk = 0; kk < k; kk++, row += n)
    {
        const int16_t x = input[kk];
        if (x == 0)
        {
            continue;
        }
        const uint16_t ax = unit_abs16(x);
        UNIT_COUNT_ADD(counters, tested, n);
        if (threshold_count == 1)
        {
            /* One threshold per nonzero input, reused for every neuron it feeds. */
            const skip_bounds t = bounds_of(bitshift_threshold(thresholds[0], ax, counters));
            for (j = 0; j < n; j++)
            {
                const int16_t w = row[j];
                if (w > t.hi || w < t.lo)
                {
                    acc[j] = unit_sat_add32(acc[j], unit_mul16(x, w));
                    UNIT_COUNT_ADD(counters, executed, 1);
                }
                else if (w != 0)
                {
                    UNIT_COUNT_ADD(counters, skipped_threshold, 1);
                }
            }
        }
        else
        {
            /* Group-wise thresholds: one per (input, neuron) pair. */
            for (j = 0; j < n; j++)
            {
                const int16_t w = row[j];
                const skip_bounds t = bounds_of(bitshift_threshold(thresholds[j], ax, counters));
                if (w > t.hi || w < t.lo)
                {
                    acc[j] = unit_sat_add32(acc[j], unit_mul16(x, w));
                    UNIT_COUNT_ADD(counters, executed, 1);
                }
                else if (w != 0)
                {
                    UNIT_COUNT_ADD(counters, skipped_threshold, 1);
                }
            }
        }
    }
    for (j = 0; j < n; j++)
    {
        output[j] = unit_requantize(acc[j], out_shift);
    }
}
