; Minimal MSP430 start-up, written for this tool: stack, watchdog off, .bss zeroed, main, then halt.
; No .data copy: .data lives in (writable) FRAM and is loaded in place, as on an FRAM MSP430.
    .section .init,"ax",@progbits
    .global _start
    .type   _start, @function
_start:
    mov     #__stack_top, r1
    mov     #0x5a80, &0x015c        ; WDTCTL = WDTPW | WDTHOLD (MSP430FR5994 address; plain IO in the simulator)
    mov     #__bss_start, r12
    mov     #__bss_end, r13
1:
    cmp     r13, r12
    jhs     2f
    mov     #0, 0(r12)
    add     #2, r12
    jmp     1b
2:
    call    #main
    call    #unit_done
3:
    jmp     3b

    .section .text.unit_done,"ax",@progbits
    .global unit_done
    .type   unit_done, @function
; Breakpoint target: the program has finished; results are in unit_out / unit_counts.
unit_done:
    bis     #0x10, r2               ; CPUOFF (LPM0): a real device sleeps here
    jmp     unit_done

    .section .resetvec,"a",@progbits
    .word   _start
