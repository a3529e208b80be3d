/*
 * Host check of unit_softfloat.c: every operation against the host's IEEE hardware float (round to nearest even,
 * subnormals on: build with -ffp-contract=off and without -ffast-math) on special values crossed with each other and
 * on random operands biased towards close exponents (cancellation), far ones, subnormals and overflow.
 * usage: softfloat_check [COUNT]; prints the number of cases and exits 1 at the first mismatch (printed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

float __mspabi_addf(float a, float b);
float __mspabi_subf(float a, float b);
float __mspabi_mpyf(float a, float b);
float __mspabi_divf(float a, float b);
float __mspabi_fltlif(int32_t v);
int16_t __mspabi_cmpf(float a, float b);
int16_t __unordsf2(float a, float b);

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float from(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static int same(float x, float y)
{
    return x != x ? y != y : bits(x) == bits(y);
}

static uint32_t state = 2463534242u;

static uint32_t next(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

/* A random operand: any bits, or an exponent field near e (0 and 255 included), or a small subnormal. */
static uint32_t operand(uint32_t e)
{
    uint32_t r = next(), kind = r % 8u;
    if (kind < 3)
    {
        return next();
    }
    if (kind < 6)
    {
        int32_t f = (int32_t)e + (int32_t)(next() % 7u) - 3;
        f = f < 0 ? 0 : f > 255 ? 255 : f;
        return (next() & 0x807FFFFFu) | ((uint32_t)f << 23);
    }
    if (kind == 6)
    {
        return (next() & 0x80000000u) | (next() % 64u);
    }
    return (next() & 0x80FFFFFFu) | (next() % 2u ? 0x7E800000u : 0x01000000u);
}

static long cases;

static int check(uint32_t ua, uint32_t ub)
{
    float a = from(ua), b = from(ub);
    const char *op = 0;
    float got = 0, want = 0;
    cases++;
    if (!same(got = __mspabi_addf(a, b), want = a + b))
    {
        op = "+";
    }
    else if (!same(got = __mspabi_subf(a, b), want = a - b))
    {
        op = "-";
    }
    else if (!same(got = __mspabi_mpyf(a, b), want = a * b))
    {
        op = "*";
    }
    else if (!same(got = __mspabi_divf(a, b), want = a / b))
    {
        op = "/";
    }
    else if (!same(got = __mspabi_fltlif((int32_t)ua), want = (float)(int32_t)ua))
    {
        op = "(float)int32";
    }
    else if (__mspabi_cmpf(a, b) != (a < b ? -1 : a == b ? 0 : 1) || (__unordsf2(a, b) != 0) != (a != a || b != b))
    {
        op = "compare";
    }
    if (op)
    {
        printf("mismatch: %08x %s %08x = %08x, soft-float gives %08x\n", (unsigned)ua, op, (unsigned)ub, (unsigned)bits(want), (unsigned)bits(got));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const uint32_t special[] = {
        0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007FFFFFu, 0x00800000u, 0x00400000u, 0x3F800000u,
        0xBF800000u, 0x3F800001u, 0x3FFFFFFFu, 0x40000000u, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F800000u, 0xFF800000u,
        0x7FC00000u, 0x7F800001u, 0x33800000u, 0x34000000u, 0x3EFFFFFFu, 0x3E800000u, 0x4B000000u, 0x4B7FFFFFu,
    };
    long count = argc > 1 ? atol(argv[1]) : 1000000L, i;
    size_t x, y, n = sizeof special / sizeof special[0];
    for (x = 0; x < n; x++)
    {
        for (y = 0; y < n; y++)
        {
            if (check(special[x], special[y]))
            {
                return 1;
            }
        }
    }
    for (i = 0; i < count; i++)
    {
        uint32_t a = operand(next() % 256u);
        if (check(a, operand((a >> 23) & 0xFFu)))
        {
            return 1;
        }
    }
    printf("cases: %ld\n", cases);
    return 0;
}
