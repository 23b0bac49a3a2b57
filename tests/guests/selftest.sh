#!/bin/bash
# selftest.sh: builds the test guests and boots each with a raw QEMU command line (no
# runz), checking console output and exit status, then prints boot-to-exit timings.
# Exit: 0 pass, 77 skip (reason printed), anything else fail.
# Env: QEMU (default qemu-system-x86_64), RUNS (timing runs per guest, default 10; 0 = none),
#      KEEP_TMP=1 keeps the build dir.
set -uo pipefail

SRC=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
RUNS=${RUNS:-10}

command -v "$QEMU" >/dev/null || { echo "SKIP: $QEMU not found (apt-get install qemu-system-x86)"; exit 77; }
command -v gcc >/dev/null || { echo "SKIP: gcc not found (apt-get install build-essential)"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/runz-guests-selftest.XXXXXX")
cleanup() { [[ ${KEEP_TMP:-0} == 1 ]] && echo "kept $T" || rm -rf "$T"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

"$SRC/build.sh" "$T" || { echo "FAIL: build.sh"; exit 1; }

# The fast path (HOST.md): microvm, no option ROMs or legacy devices; qboot loads the image.
MICROVM=("$QEMU" -M microvm,x-option-roms=off,pit=off,pic=off,rtc=off,acpi=off -accel tcg -m 16
         -nodefaults -no-user-config -nographic -serial stdio -no-reboot
         -device isa-debug-exit,iobase=0xf4,iosize=4)
# The PC path: SeaBIOS and QEMU's multiboot/PVH option ROM; slower, prints a BIOS banner.
PC=("$QEMU" -M pc -accel tcg -m 16 -nodefaults -no-user-config -nographic -serial stdio
    -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4)

# boot NAME OUTFILE STDIN QEMU-ARGV... : runs QEMU with a 20 s cap, sets $status
boot() {
    local out=$1 in=$2; shift 2
    timeout 20 "$@" <"$in" >"$out" 2>"$out.err"
    status=$?
}

# expect_exit LABEL CODE STDIN PATTERN QEMU-ARGV...: the guest's console must contain
# PATTERN and QEMU must exit with (CODE << 1) | 1, the isa-debug-exit encoding.
expect_exit() {
    local label=$1 code=$2 in=$3 pattern=$4; shift 4
    local want=$(((code << 1) | 1))
    boot "$T/out" "$in" "$@"
    if [[ $status != "$want" ]]; then
        fail "$label: QEMU exit status $status, want $want; console: $(tr -d '\r' <"$T/out" | head -c 300) $(head -c 300 "$T/out.err")"
    elif ! tr -d '\r' <"$T/out" | grep -qF -- "$pattern"; then
        fail "$label: console lacks '$pattern': $(tr -d '\r' <"$T/out" | head -c 300)"
    else
        ok "$label (status $status)"
    fi
}

printf 'abcq' >"$T/in.abcq"
printf 'xy\004z' >"$T/in.eot"

expect_exit "hello exit=3" 3 /dev/null "hello from a runz guest: exit=3" "${MICROVM[@]}" -kernel "$T/hello.elf" -append "exit=3"
expect_exit "hello exit=0" 0 /dev/null "hello from a runz guest: exit=0" "${MICROVM[@]}" -kernel "$T/hello.elf" -append "exit=0"
expect_exit "hello no cmdline" 0 /dev/null "hello from a runz guest: " "${MICROVM[@]}" -kernel "$T/hello.elf"
expect_exit "hello exit=127 among other words" 127 /dev/null "hello from a runz guest: quiet exit=127 x" "${MICROVM[@]}" -kernel "$T/hello.elf" -append "quiet exit=127 x"
expect_exit "hello-mb on microvm" 5 /dev/null "hello from a runz guest: exit=5" "${MICROVM[@]}" -kernel "$T/hello-mb.elf" -append "exit=5"
expect_exit "hello-mb on pc" 6 /dev/null "hello from a runz guest: exit=6" "${PC[@]}" -kernel "$T/hello-mb.elf" -append "exit=6"
expect_exit "hello (PVH) on pc" 4 /dev/null "hello from a runz guest: exit=4" "${PC[@]}" -kernel "$T/hello.elf" -append "exit=4"

# echo: must echo the bytes before the terminator and nothing after it
expect_exit "echo abc then q" 0 "$T/in.abcq" "abc" "${MICROVM[@]}" -kernel "$T/echo.elf"
[[ $(cat "$T/out") == abc ]] || fail "echo: console is '$(cat "$T/out")', want exactly 'abc'"
expect_exit "echo xy then EOT" 0 "$T/in.eot" "xy" "${MICROVM[@]}" -kernel "$T/echo.elf"
[[ $(cat "$T/out") == xy ]] || fail "echo: console is '$(cat "$T/out")', want exactly 'xy'"

# spin: alive after 1 s, has said "spinning", dies on SIGKILL
"${MICROVM[@]}" -kernel "$T/spin.elf" </dev/null >"$T/out" 2>"$T/out.err" &
spin_pid=$!
sleep 1
if ! kill -0 "$spin_pid" 2>/dev/null; then
    wait "$spin_pid" 2>/dev/null
    fail "spin: QEMU exited after less than 1 s (status $?)"
else
    tr -d '\r' <"$T/out" | grep -qx spinning || fail "spin: console is '$(cat "$T/out")', want 'spinning'"
    kill -KILL "$spin_pid"
    wait "$spin_pid" 2>/dev/null
    status=$?
    [[ $status == 137 ]] && ok "spin alive after 1 s, killed by SIGKILL" || fail "spin: status $status after SIGKILL, want 137"
fi

# Timings: wall time from spawn to QEMU's exit over $RUNS runs; the minimum shows what the
# path costs on an idle host, the median what a busy one gives.
median_ms() {
    sort -n | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "median %.1f ms, min %.1f ms", m / 1e6, a[1] / 1e6 }'
}
time_guest() {
    local label=$1 in=$2; shift 2
    local i t0 t1
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        "$@" <"$in" >/dev/null 2>&1
        t1=$(date +%s%N)
        echo $((t1 - t0))
    done | median_ms >"$T/median"
    printf 'time: %-22s %s over %d runs\n' "$label" "$(cat "$T/median")" "$RUNS"
}
if ((RUNS > 0 && failures == 0)); then
    time_guest "hello (microvm)" /dev/null "${MICROVM[@]}" -kernel "$T/hello.elf" -append "exit=3"
    time_guest "echo abcq (microvm)" "$T/in.abcq" "${MICROVM[@]}" -kernel "$T/echo.elf"
    time_guest "hello-mb (microvm)" /dev/null "${MICROVM[@]}" -kernel "$T/hello-mb.elf" -append "exit=3"
    time_guest "hello-mb (pc)" /dev/null "${PC[@]}" -kernel "$T/hello-mb.elf" -append "exit=3"
    time_guest "hello (pc)" /dev/null "${PC[@]}" -kernel "$T/hello.elf" -append "exit=3"
fi

if ((failures)); then
    echo "selftest: $failures failure(s)"
    exit 1
fi
echo "selftest: all guests pass"
