#!/bin/sh
# Builds and runs a model that export-c generated (DIR holds unit_model.h, unit_model_data.h, unit_model.c) on a
# Cortex-M4F in QEMU (mps2-an386), for the sample in DIR/unit_input.c. Prints "out 0x<float bits>" per output,
# "ticks 0x<n>": instructions executed = n * 40 (qemu -icount shift=0: 1 ns per instruction, SysTick at 25 MHz), and
# the node marks of unit_glue.h: "marks256 0x<n>" (the ticks 256 marks take) and "mark 0x<n>" per mark (ticks since the
# inference began).
# usage: build.sh DIR   (needs arm-none-eabi-gcc and qemu-system-arm; Debian: gcc-arm-none-eabi qemu-system-arm)
set -e
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
# -ffp-contract=off: only the explicit fused multiply-adds (UNIT_FMA, VFMA.F32) fuse, as in the C# engine.
arm-none-eabi-gcc -std=c99 -O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffp-contract=off \
  -ffreestanding -fno-tree-loop-distribute-patterns -Wall -Wextra -Werror -nostdlib -T "$here/link.ld" -I "$dir" \
  -include "$here/unit_glue.h" \
  "$here/main.c" "$dir/unit_model.c" "$dir/unit_input.c" -lgcc -o "$dir/unit_m4.elf"
arm-none-eabi-size "$dir/unit_m4.elf" >&2
exec qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -icount shift=0,align=off,sleep=off -kernel "$dir/unit_m4.elf"
