#!/usr/bin/env bash
# Sampling profile of one case in mspdebug's simulator, and a correction of its cycle count.
#
# usage: tools/msp430/profile.sh [--variant c|asm|hw] [--samples N] CASE.h
#
# Why: mspdebug 0.22's simulator charges constant-generator sources as if they were memory operands:
# #1 (e.g. INC, CLRC = BIC #1,SR) costs 3 cycles instead of 1, and #2, #4, #8, #-1 (INCD, DEC = ADD #-1,
# INV = XOR #-1) cost 2 instead of 1 (checked with a one-instruction program; the family user's guide
# says constant-generator operands take no extra cycle). It also charges RRA/RRC/SWPB/SXT @Rn and @Rn+
# 5 cycles instead of 3. Its MCLK count is therefore an over-estimate for code that uses them.
#
# What: run.sh builds and runs the case (giving MCLK and the instruction count of the measured span),
# then the program is run again, stepping P instructions at a time (P a prime near instructions /
# samples; P = 1, an exact trace, when samples >= instructions) and recording the PC after each step. Each sample stands for P executed instructions. With
# every instruction's cycles from its encoding, under mspdebug's table and under the MSP430 (classic CPU)
# table of the family user's guide, the samples estimate both totals; the corrected count is
# MCLK * estimate(user's guide) / estimate(mspdebug). The estimate of mspdebug's own total is printed next
# to the measured MCLK as a check of the sampling error. Per-function shares come from the same samples.
#
# Prints run.sh's lines (variant, out, cycles = MCLK, instructions, text_bytes), then "samples: K every P",
# "estimated_sim_cycles: N", "estimated_guide_cycles: N", "corrected_cycles: N", and one
# "function: NAME SHARE_SIM% SHARE_GUIDE%" line per function that was sampled.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MSPDEBUG="${MSPDEBUG:-mspdebug}"
OBJDUMP="${OBJDUMP:-llvm-objdump-14}"
variant=c
samples=30000
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --variant) variant="$2"; shift 2 ;;
        --samples) samples="$2"; shift 2 ;;
        -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done
[[ ${#args[@]} -eq 1 ]] || { echo "usage: $0 [--variant c|asm|hw] [--samples N] CASE.h" >&2; exit 1; }
command -v "$OBJDUMP" >/dev/null 2>&1 || { echo "missing tool: $OBJDUMP" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/unit-msp430-prof.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$here/run.sh" --variant "$variant" "${args[0]}" "$work" > "$work/run.txt"
mclk="$(awk '/^cycles:/ { print $2 }' "$work/run.txt")"
insns="$(awk '/^instructions:/ { print $2 }' "$work/run.txt")"

# Sampling period: the largest prime <= instructions / samples, or 1 (an exact trace) when samples >= instructions.
period=$(( insns / samples ))
(( period < 1 )) && period=1
is_prime() { local n=$1 d; for (( d = 2; d * d <= n; d++ )); do (( n % d == 0 )) && return 1; done; return 0; }
while (( period > 1 )) && ! is_prime "$period"; do period=$(( period - 1 )); done
count=$(( insns / period ))

cmds=("prog $work/unit.elf")
[[ "$variant" == hw ]] && cmds+=("simio add hwmult mpy")
cmds+=("setbreak unit_bench_begin" "run")
for (( i = 0; i < count; i++ )); do cmds+=("step $period"); done
"$MSPDEBUG" -q sim "${cmds[@]}" 2>&1 | awk '/\( PC: [0-9a-f]+\)/ { pc = $0; sub(/^.*\( PC: /, "", pc); sub(/\).*$/, "", pc); print pc }' \
    | tail -n +2 > "$work/pcs.txt"

cat "$work/run.txt"
"$OBJDUMP" -d "$work/unit.elf" > "$work/dis.txt"
awk -v mclk="$mclk" -v insns="$insns" -v period="$period" '
    function hex(s,    v, i) { s = tolower(s); v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
    function band(a, b,    r, bit) { r = 0; bit = 1; while (a > 0 && b > 0) { if (a % 2 == 1 && b % 2 == 1) r += bit; a = int(a / 2); b = int(b / 2); bit *= 2 } return r }
    function sh(a, n) { return int(a / 2 ^ n) }
    # Cycles of the instruction word w: mspdebug 0.22 sim.c (guide == 0) or the MSP430 family user guide (guide == 1).
    function cycles(w, guide,    as, ad, sreg, dreg, op, cg, src) {
        if (w >= 16384) {                          # format I
            as = band(sh(w, 4), 3); ad = band(sh(w, 7), 1); sreg = band(sh(w, 8), 15); dreg = band(w, 15)
            cg = (sreg == 3 && as > 0) || (sreg == 2 && as >= 2)
            if (guide && cg) as = 0                # constant generator: register timing
            if (ad == 0 && dreg == 0) return (as == 0 || as == 2) ? 2 : 3
            src = (as == 2 || as == 3) ? 2 : (as == 1 ? 3 : 1)
            return src + (ad ? 3 : 0)
        }
        if (w >= 8192) return 2                    # jumps
        op = band(w, 65408); as = band(sh(w, 4), 3); dreg = band(w, 15)
        if (guide && ((dreg == 3 && as > 0) || (dreg == 2 && as >= 2))) as = 0
        if (op == 4608) {                          # PUSH
            if (as == 0) return 3
            if (as == 2 || (as == 3 && dreg == 0)) return 4
            return guide ? (as == 3 ? 4 : 5) : 5
        }
        if (op == 4736) return (as == 0 || as == 2) ? 4 : 5   # CALL
        if (op == 4864) return 5                   # RETI
        if (as == 1) return 4
        if (as == 0) return 1
        return guide ? 3 : 5                       # RRA/RRC/SWPB/SXT @Rn, @Rn+
    }
    FILENAME ~ /dis.txt$/ {
        if ($0 ~ /^[0-9a-f]+ <.*>:$/) { fn = $2; gsub(/[<>:]/, "", fn); next }
        if ($0 ~ /^ +[0-9a-f]+:/) {
            a = $1; sub(/:$/, "", a)
            w = hex($3 $2)                           # little-endian first word
            pc = sprintf("%05x", hex(a)); func[pc] = fn; csim[pc] = cycles(w, 0); cgd[pc] = cycles(w, 1)
        }
        next
    }
    {
        pc = sprintf("%05x", hex($1)); n++
        if (!(pc in csim)) { unknown++; next }
        es += csim[pc]; eg += cgd[pc]; fs[func[pc]] += csim[pc]; fg[func[pc]] += cgd[pc]
    }
    END {
        if (n == 0) { print "no samples" > "/dev/stderr"; exit 1 }
        printf "samples: %d every %d instructions\n", n, period
        if (unknown) printf "samples outside the disassembly: %d\n", unknown
        printf "estimated_sim_cycles: %.0f\nestimated_guide_cycles: %.0f\ncorrected_cycles: %.0f\n", es * period, eg * period, mclk * eg / es
        for (f in fs) printf "function: %s %.1f%% %.1f%%\n", f, 100 * fs[f] / es, 100 * fg[f] / eg
    }' "$work/dis.txt" "$work/pcs.txt"
