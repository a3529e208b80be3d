#!/usr/bin/env bash
# Builds one UnIT layer case for the MSP430 with clang-14 + ld.lld-14 and runs it in mspdebug's simulator.
#
# usage: tools/msp430/run.sh [--variant c|asm|hw] [--count] [--keep] [--marks K] [--main FILE.c --src FILE.c ...] CASE.h [WORKDIR]
#   --variant c    portable C everywhere, software multiply (default)
#   --variant asm  inline-assembly 32-bit primitives and software multiply loop (-DUNIT_ASM)
#   --variant hw   as asm, but the MAC multiply uses the MPY peripheral (-DUNIT_ASM -DUNIT_HWMULT)
#   --count        also count executed / skipped MACs on the device (-DUNIT_COUNT; costs cycles)
#   --keep         keep WORKDIR (default: a temporary folder, removed at exit)
#   --marks K      the program calls unit_layer_mark() K times between unit_bench_begin and unit_bench_end (a generated
#                  model built by model_main.c marks each node's start and the end of each inference): also print the
#                  cycles of the K + 1 spans between them (the simulator stops there; breakpoints cost no cycles)
#   --main FILE.c  the program's main instead of main.c (model_main.c runs a generated whole model)
#   --src FILE.c   one more source to build and link (repeatable); its folder is on the include path, and
#                  unit_model_glue.h is included first, so a generated unit_model.c uses this tool's primitives
#   --define D     pass -DD to every compile (repeatable), e.g. --define UNIT_ACC_ATTR= to keep a generated model's
#                  accumulators in SRAM (.bss) instead of FRAM
# Prints, one per line:
#   variant: <v>
#   out: <int16 values of unit_out, decimal, space separated>
#   counters: <executed> <skipped_threshold> <tested> <threshold_steps>   (with --count)
#   cycles: <MCLK cycles from unit_bench_begin to unit_bench_end>
#   span_cycles: <with --marks: MCLK of each span between unit_bench_begin, the K marks and unit_bench_end>
#   instructions: <instructions in the same span>
#   text_bytes: <size of .text>
#   rodata_bytes: <size of .rodata (constants)>
#   bss_bytes: <size of .bss (static RAM)>
#   fram_spare_bytes: <bytes of the FRAM that msp430.ld gives the program (below 64 KiB) left free>
# Exit status 0 on success; 2 when a tool is missing; 1 on any other failure.
# Environment: CLANG (default clang-14), LLD (default ld.lld-14), MSPDEBUG (default mspdebug),
#              UNIT_MSP430_OPT (default -O2), UNIT_MSP430_TIMEOUT seconds for the simulator (default 300),
#              UNIT_MSP430_CACHE a folder to keep the case-independent objects in between runs (default: none).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLANG="${CLANG:-clang-14}"
LLD="${LLD:-ld.lld-14}"
MSPDEBUG="${MSPDEBUG:-mspdebug}"
NM="${NM:-llvm-nm-14}"
SIZE="${SIZE:-llvm-size-14}"
OPT="${UNIT_MSP430_OPT:--O2}"
SIM_TIMEOUT="${UNIT_MSP430_TIMEOUT:-300}"

variant=c
count=0
keep=0
marks=0
main_c="$here/main.c"
extra=()
user_defs=()
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --variant) variant="$2"; shift 2 ;;
        --variant=*) variant="${1#*=}"; shift ;;
        --count) count=1; shift ;;
        --keep) keep=1; shift ;;
        --marks) marks="$2"; shift 2 ;;
        --main) main_c="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
        --src) extra+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
        --define) user_defs+=("-D$2"); shift 2 ;;
        -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done
if [[ ${#args[@]} -lt 1 || ${#args[@]} -gt 2 ]]; then
    echo "usage: $0 [--variant c|asm|hw] [--count] [--keep] CASE.h [WORKDIR]" >&2
    exit 1
fi
case_h="$(cd "$(dirname "${args[0]}")" && pwd)/$(basename "${args[0]}")"
[[ -f "$case_h" ]] || { echo "no such case header: ${args[0]}" >&2; exit 1; }

for tool in "$CLANG" "$LLD" "$MSPDEBUG" "$NM" "$SIZE"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 2; }
done

if [[ ${#args[@]} -eq 2 ]]; then
    work="${args[1]}"
    mkdir -p "$work"
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/unit-msp430.XXXXXX")"
    if [[ $keep -eq 1 ]]; then echo "work folder: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
fi

defs=()
case "$variant" in
    c) ;;
    asm) defs+=(-DUNIT_ASM) ;;
    hw) defs+=(-DUNIT_ASM -DUNIT_HWMULT) ;;
    *) echo "unknown variant: $variant (c, asm or hw)" >&2; exit 1 ;;
esac
[[ $count -eq 1 ]] && defs+=(-DUNIT_COUNT)
defs+=("${user_defs[@]}")

# One section per function and object, so that --gc-sections drops the runtime helpers a program never calls (a model
# without float nodes links no soft-float code; one with them only the operations it uses).
cflags=(--target=msp430 "$OPT" -std=c11 -ffreestanding -fno-builtin -nostdlib -ffunction-sections -fdata-sections -Wall -Wextra -Werror -I"$here" "${defs[@]}")
# Objects that do not depend on the case; with UNIT_MSP430_CACHE set they are kept there per build flavour
# and rebuilt when a source or header is newer.
objdir="$work"
if [[ -n "${UNIT_MSP430_CACHE:-}" ]]; then
    objdir="$UNIT_MSP430_CACHE/$variant-$count$(echo "$OPT ${user_defs[*]}" | tr -c 'A-Za-z0-9' '_')"
    mkdir -p "$objdir"
fi
headers=("$here/unit_kernels.h" "$here/unit_prims.h" "$here/run.sh")
compile() { # source object
    local src="$1" obj="$2" stale=0 dep
    [[ -f "$obj" ]] || stale=1
    for dep in "$src" "${headers[@]}"; do [[ "$dep" -nt "$obj" ]] && stale=1; done
    if [[ $stale -eq 1 ]]; then
        "$CLANG" "${cflags[@]}" -c "$src" -o "$obj.tmp.$$"
        mv -f "$obj.tmp.$$" "$obj"
    fi
}
compile "$here/crt0.S" "$objdir/crt0.o"
compile "$here/unit_kernels.c" "$objdir/unit_kernels.o"
compile "$here/unit_arith.c" "$objdir/unit_arith.o"
compile "$here/unit_softfloat.c" "$objdir/unit_softfloat.o"
incs=()
for src in "${extra[@]}"; do incs+=(-I"$(dirname "$src")"); done
"$CLANG" "${cflags[@]}" "${incs[@]}" -include "$case_h" -c "$main_c" -o "$work/main.o"
objs=()
for i in "${!extra[@]}"; do
    "$CLANG" "${cflags[@]}" "${incs[@]}" -include "$here/unit_model_glue.h" -c "${extra[$i]}" -o "$work/extra$i.o"
    objs+=("$work/extra$i.o")
done
"$LLD" -m msp430elf -T "$here/msp430.ld" --gc-sections -e _start \
    "$objdir/crt0.o" "$work/main.o" "${objs[@]}" "$objdir/unit_kernels.o" "$objdir/unit_arith.o" "$objdir/unit_softfloat.o" -o "$work/unit.elf"

# Symbol addresses and sizes from one llvm-nm call (lines "addr size type name", or "addr type name").
declare -A addr size
while read -r f1 f2 f3 f4; do
    if [[ -n "$f4" ]]; then addr[$f4]=$f1; size[$f4]=$((16#$f2)); else addr[$f3]=$f1; fi
done < <("$NM" -S "$work/unit.elf")
[[ "$marks" =~ ^[0-9]+$ ]] || { echo "--marks takes a count, not '$marks'" >&2; exit 1; }
need=(unit_out unit_counts unit_bench_begin unit_bench_end unit_done unit_fram_end unit_fram_limit)
[[ $marks -gt 0 ]] && need+=(unit_layer_mark)
for s in "${need[@]}"; do
    [[ -n "${addr[$s]:-}" ]] || { echo "symbol $s not found in the ELF" >&2; exit 1; }
done
out_size="${size[unit_out]}"
cnt_size="${size[unit_counts]}"

sim_cmds=("prog $work/unit.elf")
[[ "$variant" == hw ]] && sim_cmds+=("simio add hwmult mpy")
sim_cmds+=(
    "simio add tracer trace"
    "setbreak unit_bench_begin"
    "setbreak unit_bench_end"
    "setbreak unit_done"
    "run"
    "simio config trace clear"
)
stops_expected="$(printf '%05x' "0x${addr[unit_bench_begin]}")"
if [[ $marks -gt 0 ]]; then
    sim_cmds+=("setbreak unit_layer_mark")
    mark_stop="$(printf '%05x' "0x${addr[unit_layer_mark]}")"
    for ((k = 0; k < marks; k++)); do
        sim_cmds+=("run" "simio info trace" "simio config trace clear")
        stops_expected+=" $mark_stop"
    done
fi
stops_expected+="$(printf ' %05x %05x' "0x${addr[unit_bench_end]}" "0x${addr[unit_done]}")"
sim_cmds+=(
    "run"
    "simio info trace"
    "run"
    "md unit_out $out_size"
    "md unit_counts $cnt_size"
)
if ! timeout "$SIM_TIMEOUT" "$MSPDEBUG" -q sim "${sim_cmds[@]}" >"$work/sim.log" 2>&1; then
    echo "mspdebug failed or timed out (log: $work/sim.log)" >&2
    tail -20 "$work/sim.log" >&2
    exit 1
fi

# One pass over the log: the three stops must be, in order, unit_bench_begin, unit_bench_end and unit_done;
# hex dump lines "    0xxxx: b0 b1 ... |ascii|" of unit_out and unit_counts become little-endian words.
read -r text_bytes rodata_bytes bss_bytes < <("$SIZE" -A "$work/unit.elf" | awk '
    $1 == ".text" { t = $2 } $1 == ".rodata" { r = $2 } $1 == ".bss" { b = $2 } END { print t + 0, r + 0, b + 0 }')
fram_spare_bytes=$((16#${addr[unit_fram_limit]} - 16#${addr[unit_fram_end]}))
awk -v variant="$variant" -v count="$count" -v text_bytes="$text_bytes" -v rodata_bytes="$rodata_bytes" -v bss_bytes="$bss_bytes" \
    -v fram_spare_bytes="$fram_spare_bytes" \
    -v stops_expected="$stops_expected" -v marks="$marks" \
    -v out_at="$((16#${addr[unit_out]}))" -v out_len="$out_size" \
    -v cnt_at="$((16#${addr[unit_counts]}))" -v cnt_len="$cnt_size" '
    function hex(s,    v, i) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
    /\( PC: [0-9a-f]+\)/ { pc = $0; sub(/^.*\( PC: /, "", pc); sub(/\).*$/, "", pc); stops = stops (stops == "" ? "" : " ") pc }
    /^MCLK:/ { cycles += $2; spans = spans (spans == "" ? "" : " ") $2; nspans++ }
    /^Instruction count:/ { insns += $3 }
    /^ +[0-9a-f]+: / {
        a = hex(substr($1, 1, length($1) - 1))
        line = $0; sub(/^ +[0-9a-f]+: /, "", line); sub(/\|.*$/, "", line)
        n = split(line, b, " ")
        for (i = 1; i <= n; i++) {
            if (a + i - 1 >= out_at && a + i - 1 < out_at + out_len) ob[a + i - 1 - out_at] = hex(b[i])
            if (a + i - 1 >= cnt_at && a + i - 1 < cnt_at + cnt_len) cb[a + i - 1 - cnt_at] = hex(b[i])
        }
    }
    END {
        if (stops != stops_expected) { print "unexpected simulator stops: \047" stops "\047 (expected \047" stops_expected "\047)" > "/dev/stderr"; exit 1 }
        if (nspans != marks + 1 || insns == "") { print "expected " marks + 1 " tracer figures in the log, found " nspans > "/dev/stderr"; exit 1 }
        printf "variant: %s\nout:", variant
        for (i = 0; i < out_len; i += 2) {
            if (!((i in ob) && ((i + 1) in ob))) { print "\nunit_out not fully dumped" > "/dev/stderr"; exit 1 }
            w = ob[i] + 256 * ob[i + 1]; printf " %d", (w >= 32768 ? w - 65536 : w)
        }
        printf "\n"
        if (count == 1) {
            printf "counters:"
            for (i = 0; i < cnt_len; i += 4) printf " %.0f", cb[i] + 256 * cb[i + 1] + 65536 * cb[i + 2] + 16777216 * cb[i + 3]
            printf "\n"
        }
        if (marks > 0) printf "span_cycles: %s\n", spans
        printf "cycles: %.0f\ninstructions: %.0f\ntext_bytes: %s\nrodata_bytes: %s\nbss_bytes: %s\nfram_spare_bytes: %s\n", cycles, insns, text_bytes, rodata_bytes, bss_bytes, fram_spare_bytes
    }' "$work/sim.log" || { echo "(log: $work/sim.log)" >&2; exit 1; }
