/* Runs the generated model once on the sample in unit_input.c on a Cortex-M4F (QEMU mps2-an386) and reports, through
 * semihosting, each output's float bits, the SysTick ticks the inference took and the tick reading at each node's mark
 * (UNIT_LAYER_MARK, unit_glue.h). Under qemu -icount shift=0 one instruction advances the virtual clock by 1 ns and a
 * SysTick tick (25 MHz) is 40 ns: ticks * 40 = instructions executed, to within 40. QEMU does not model cycles (no
 * pipeline, wait states or FPU latency). */
#include <stdint.h>
#include <string.h>
#include "unit_model.h"

extern const uint32_t unit_input_bits[UNIT_INPUT_SIZE];
extern uint32_t _sdata, _edata, _sbss, _ebss, _etext, _stack_top;

static volatile uint32_t systick_wraps;

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define CPACR (*(volatile uint32_t *)0xE000ED88u)

static void semihost(uint32_t op, uintptr_t arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

static void put(const char *s)
{
    semihost(0x04u, (uintptr_t)s); /* SYS_WRITE0 */
}

static void put_hex(uint32_t v)
{
    char s[11];
    int i;
    s[0] = '0';
    s[1] = 'x';
    for (i = 0; i < 8; i++)
    {
        s[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    }
    s[10] = 0;
    put(s);
}

static uint64_t ticks(void)
{
    uint32_t wraps, cvr;
    do
    {
        wraps = systick_wraps;
        cvr = SYST_CVR;
    } while (wraps != systick_wraps);
    return (uint64_t)wraps * 0x1000000u + (0xFFFFFFu - cvr);
}

void unit_systick(void)
{
    systick_wraps++;
}

/* Tick readings at the generated code's marks: before each node and at the end of the inference. */
#define UNIT_MAX_MARKS 4096u
static uint64_t marks[UNIT_MAX_MARKS];
static uint32_t mark_count;

void unit_layer_mark(void)
{
    if (mark_count < UNIT_MAX_MARKS)
    {
        marks[mark_count] = ticks();
    }
    mark_count++;
}

int main(void)
{
    static float input[UNIT_INPUT_SIZE], output[UNIT_OUTPUT_SIZE];
    uint64_t t0, t1, t2, m0, m1;
    uint32_t i;
    memcpy(input, unit_input_bits, sizeof input);
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* enable, interrupt, processor clock */
    while (SYST_CVR == 0u)
    {
        /* the first tick loads the reload value */
    }
    /* What 256 marks cost (a tick is 40 instructions, a mark fewer), so the host can take them off. */
    m0 = ticks();
    for (i = 0; i < 256u; i++)
    {
        unit_layer_mark();
    }
    m1 = ticks();
    mark_count = 0;
    t0 = ticks();
    t1 = ticks();
    unit_infer(input, output);
    t2 = ticks();
    for (i = 0; i < UNIT_OUTPUT_SIZE; i++)
    {
        uint32_t bits;
        memcpy(&bits, &output[i], 4);
        put("out ");
        put_hex(bits);
        put("\n");
    }
    /* The second reading minus the first is what one reading costs; taken off the inference's span. */
    put("ticks ");
    put_hex((uint32_t)((t2 - t1) - (t1 - t0)));
    put("\n");
    put("marks256 ");
    put_hex((uint32_t)((m1 - m0) - (t1 - t0)));
    put("\n");
    for (i = 0; i < mark_count && i < UNIT_MAX_MARKS; i++)
    {
        put("mark ");
        put_hex((uint32_t)(marks[i] - t1));
        put("\n");
    }
    if (mark_count > UNIT_MAX_MARKS)
    {
        put("marks_dropped ");
        put_hex(mark_count - UNIT_MAX_MARKS);
        put("\n");
    }
    return 0;
}

void unit_reset(void)
{
    uint32_t *src = &_etext, *dst;
    for (dst = &_sdata; dst < &_edata;)
    {
        *dst++ = *src++;
    }
    for (dst = &_sbss; dst < &_ebss;)
    {
        *dst++ = 0;
    }
    CPACR |= 0xFu << 20; /* CP10 and CP11: the FPU */
    __asm__ volatile("dsb\n\tisb");
    main();
    semihost(0x18u, 0x20026u); /* SYS_EXIT, ADP_Stopped_ApplicationExit: status 0 */
    for (;;)
    {
    }
}

/* The C library calls the compiler may emit for copies and clears. */
void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
    {
        *dp++ = *sp++;
    }
    return d;
}

void *memset(void *d, int v, size_t n)
{
    uint8_t *dp = d;
    while (n--)
    {
        *dp++ = (uint8_t)v;
    }
    return d;
}

static void unit_fault(void)
{
    put("fault\n");
    semihost(0x18u, 0x20023u); /* SYS_EXIT, ADP_Stopped_RunTimeErrorUnknown: status 1 */
    for (;;)
    {
    }
}

__attribute__((section(".vectors"), used)) static void (*const unit_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&_stack_top, unit_reset, unit_fault, unit_fault, unit_fault, unit_fault, unit_fault,
    0, 0, 0, 0, unit_fault, unit_fault, 0, unit_fault, unit_systick,
};
