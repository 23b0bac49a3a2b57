#!/bin/bash
# Self-test of the simulators in tests/sim: the jailhouse CLI/sysfs double and the remoteproc
# FUSE tree, each rule of shared/reference/partitioning.md they claim to enforce.
# Exit 0 = all passed, 1 = a failure, 77 = the jailhouse part passed but the remoteproc part
# could not run here (no FUSE), with the reason printed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d /tmp/runz-sim-selftest.XXXXXX)
MNT=""
RPROC_PID=""
FAILURES=0

cleanup() {
  if [ -n "$MNT" ] && mountpoint -q "$MNT"; then fusermount -u "$MNT" 2>/dev/null || umount -l "$MNT"; fi
  if [ -n "$RPROC_PID" ]; then
    for _ in $(seq 50); do kill -0 "$RPROC_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$RPROC_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_error WHAT "MESSAGE" COMMAND...: exit 1 and MESSAGE on stderr.
expect_error() {
  local what=$1 msg=$2 out rc
  shift 2
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 1 ] && [ "$out" == "$msg" ]; then pass "$what"; else fail "$what: rc=$rc, stderr [$out], expected [$msg]"; fi
}

expect_ok() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$what"; else fail "$what: $out"; fi
}

# wait_state CELL_ID STATE: up to 5 s.
wait_state() {
  for _ in $(seq 100); do
    [ "$(cat "$SYSFS/cells/$1/state" 2>/dev/null)" == "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

############################################################################ jailhouse
ROOT=$WORK/jh
SYSFS=$ROOT/sys/devices/jailhouse
jh() { "$PY" "$HERE/jailhouse/jailhouse.py" --root "$ROOT" "$@"; }
mkcell() { "$PY" "$HERE/make_cell.py" "$@"; }
RAM=read\|write\|exec\|dma\|loadable

expect_error "not initialized" "opening /dev/jailhouse: No such file or directory" jh cell list
jh --init --cpus 0-7 --hv-mem 0x3a000000:0x600000 --arch x86

# Golden file: make_cell.py's encoder gives the bytes runz's C++ encoder gives (unit test).
expect_eq "python encoder matches the golden demo cell" "$(cat "$HERE/jailhouse/testdata/demo-x86.cell.hex")" \
  "$(mkcell --demo --hex)"
expect_eq "python encoder matches the golden Omnivisor demo cell" \
  "$(cat "$HERE/jailhouse/testdata/demo-x86-omnivisor.cell.hex")" "$(mkcell --demo --layout omnivisor --rcpus 1 --hex)"

expect_eq "enabled" "1" "$(cat "$SYSFS/enabled")"
expect_eq "root cell name" "RootCell" "$(cat "$SYSFS/cells/0/name")"
expect_eq "root cell CPUs" "0-7" "$(cat "$SYSFS/cells/0/cpus_assigned_list")"
expect_eq "root cell mask" "ff" "$(cat "$SYSFS/cells/0/cpus_assigned")"

mkcell --demo -o "$WORK/demo.cell"
expect_ok "create the demo cell" jh cell create "$WORK/demo.cell"
expect_eq "new cell id 1, shut down" "shut down" "$(cat "$SYSFS/cells/1/state")"
expect_eq "its CPUs" "2-3" "$(cat "$SYSFS/cells/1/cpus_assigned_list")"
expect_eq "its mask" "0c" "$(cat "$SYSFS/cells/1/cpus_assigned")"
expect_eq "CPUs left the root cell" "0-1,4-7" "$(cat "$SYSFS/cells/0/cpus_assigned_list")"
expect_eq "cell list" "$(printf '%-8s%-24s%-18s%-24s%-24s\n%-8s%-24s%-18s%-24s%-24s\n%-8s%-24s%-18s%-24s%-24s' \
  ID Name State "Assigned CPUs" "Failed CPUs" 0 RootCell running 0-1,4-7 "" 1 demo "shut down" 2-3 "")" "$(jh cell list)"

expect_error "name taken" "JAILHOUSE_CELL_CREATE: File exists" jh cell create "$WORK/demo.cell"
mkcell --name busy --cpus 3,4 --mem 0x3b000000:0:0x100000:$RAM -o "$WORK/busy.cell"
expect_error "CPU owned by another cell" "JAILHOUSE_CELL_CREATE: Device or resource busy" jh cell create "$WORK/busy.cell"
mkcell --name nine --cpus 9 --mem 0x3b000000:0:0x100000:$RAM -o "$WORK/nine.cell"
expect_error "CPU the machine lacks" "JAILHOUSE_CELL_CREATE: Device or resource busy" jh cell create "$WORK/nine.cell"
mkcell --name zero --cpus 0 --mem 0x3b000000:0:0x100000:$RAM -o "$WORK/zero.cell"
expect_error "CPU 0 on x86" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/zero.cell"
mkcell --name sig --cpus 4 --signature JHCEL -o "$WORK/sig.cell"
expect_error "bad signature" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/sig.cell"
mkcell --name rev --cpus 4 --revision 13 -o "$WORK/rev.cell"
expect_error "bad revision" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/rev.cell"
mkcell --name short --cpus 4 --truncate 100 -o "$WORK/short.cell"
expect_error "shorter than a header" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/short.cell"
mkcell --name trunc --cpus 4 --mem 0x3b000000:0:0x100000:$RAM --truncate 150 -o "$WORK/trunc.cell"
expect_error "counts past the end" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/trunc.cell"
mkcell --name unaligned --cpus 4 --mem 0x3b000800:0:0x100000:$RAM -o "$WORK/unaligned.cell"
expect_error "unaligned region" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/unaligned.cell"
expect_error "missing file" "opening $WORK/none.cell: No such file or directory" jh cell create "$WORK/none.cell"
expect_eq "failed creates changed nothing" "0-1,4-7" "$(cat "$SYSFS/cells/0/cpus_assigned_list")"

# load: by virt address into a WRITE|LOADABLE region holding the whole image.
printf 'demo image\nPRINT=hello from the cell\nEXIT=0 DELAY=100\n' > "$WORK/exit0.bin"
expect_error "load into the comm region (not loadable)" "JAILHOUSE_CELL_LOAD: Invalid argument" \
  jh cell load demo "$WORK/exit0.bin" -a 0x80000000
expect_error "load outside every region" "JAILHOUSE_CELL_LOAD: Invalid argument" jh cell load 1 "$WORK/exit0.bin" -a 0x200000
expect_error "load past the region's end" "JAILHOUSE_CELL_LOAD: Invalid argument" jh cell load 1 "$WORK/exit0.bin" -a 0xffff0
expect_error "load into the root cell" "JAILHOUSE_CELL_LOAD: Invalid argument" jh cell load 0 "$WORK/exit0.bin"
expect_error "load into an unknown cell" "JAILHOUSE_CELL_LOAD: No such file or directory" jh cell load nosuch "$WORK/exit0.bin"
expect_ok "load image and -s string" jh cell load --name demo "$WORK/exit0.bin" -s "arg1 arg2" -a 0x1000
expect_eq "load parks the cell" "shut down" "$(cat "$SYSFS/cells/1/state")"

# start: console output, then EXIT=0 shuts the cell down by itself.
expect_ok "start" jh cell start demo
expect_eq "running" "running" "$(cat "$SYSFS/cells/1/state")"
wait_state 1 "shut down" && pass "EXIT=0 → shut down" || fail "EXIT=0: state $(cat "$SYSFS/cells/1/state")"
console=$(jh console)
for line in 'Started cell "demo"' "cell demo: arg1 arg2" "cell demo: hello from the cell" "cell demo: exit 0"; do
  grep -qxF "$line" <<<"$console" && pass "console has [$line]" || fail "console lacks [$line]: $console"
done

printf 'EXIT=3 DELAY=50\n' > "$WORK/exit3.bin"
jh cell load 1 "$WORK/exit3.bin"  # images accumulate like cell memory: exit0.bin is still there...
jh cell shutdown 1
expect_error "start of the root cell" "JAILHOUSE_CELL_START: Invalid argument" jh cell start RootCell
expect_error "start of an unknown id" "JAILHOUSE_CELL_START: No such file or directory" jh cell start 7
echo EBUSY > "$ROOT/inject/fail-start"
expect_error "injected start failure" "JAILHOUSE_CELL_START: Device or resource busy" jh cell start 1
expect_eq "injection is one-shot" "no" "$([ -e "$ROOT/inject/fail-start" ] && echo yes || echo no)"
expect_eq "failed start changed nothing" "shut down" "$(cat "$SYSFS/cells/1/state")"

# A fresh cell per scenario from here on.
jh cell destroy 1
expect_eq "destroy removes the sysfs dir" "no" "$([ -d "$SYSFS/cells/1" ] && echo yes || echo no)"
expect_eq "destroy returns the CPUs" "0-7" "$(cat "$SYSFS/cells/0/cpus_assigned_list")"
expect_error "destroy of the root cell" "JAILHOUSE_CELL_DESTROY: Invalid argument" jh cell destroy 0

jh cell create "$WORK/demo.cell"
jh cell load demo "$WORK/exit3.bin"
jh cell start demo
wait_state 1 failed && pass "EXIT=3 → failed" || fail "EXIT=3: state $(cat "$SYSFS/cells/1/state")"
expect_eq "failed CPUs" "2-3" "$(cat "$SYSFS/cells/1/cpus_failed_list")"
jh cell shutdown demo
expect_eq "shutdown of a failed cell" "shut down" "$(cat "$SYSFS/cells/1/state")"
jh cell destroy demo

jh cell create "$WORK/demo.cell"
echo 100 > "$ROOT/inject/fail-cell-demo"
jh cell start demo
expect_eq "running before the injected failure" "running" "$(cat "$SYSFS/cells/1/state")"
wait_state 1 failed && pass "inject/fail-cell-NAME → failed" || fail "fail-cell: $(cat "$SYSFS/cells/1/state")"
rm -f "$ROOT/inject/fail-cell-demo"
jh cell destroy 1

jh cell create "$WORK/demo.cell"
printf 'EXIT=0 DELAY=300\n' > "$WORK/slow.bin"
jh cell load demo "$WORK/slow.bin"
jh cell start demo
jh cell shutdown demo
jh cell start demo  # a new run: the first run's EXIT timer must not end this one early...
sleep 0.2
expect_eq "a restart cancels the old run's timer" "running" "$(cat "$SYSFS/cells/1/state")"
jh cell destroy demo
echo EIO > "$ROOT/inject/fail-create"
expect_error "injected create failure" "JAILHOUSE_CELL_CREATE: Input/output error" jh cell create "$WORK/demo.cell"
expect_eq "nothing created" "0" "$(ls "$SYSFS/cells" | tr '\n' ' ' | xargs)"

# Concurrent creates: disjoint CPUs all succeed with distinct ids; overlapping ones, one wins.
for i in 1 2 3 4; do
  mkcell --name "par$i" --cpus $((i + 3)) --mem $((0x40000000 + i * 0x1000000)):0:0x100000:$RAM -o "$WORK/par$i.cell"
done
for i in 1 2 3 4; do jh cell create "$WORK/par$i.cell" & done; wait
expect_eq "4 parallel creates" "0 1 2 3 4" "$(ls "$SYSFS/cells" | sort -n | xargs)"
expect_eq "root keeps the rest" "0-3" "$(cat "$SYSFS/cells/0/cpus_assigned_list")"
for i in 1 2 3 4; do jh cell destroy "par$i"; done
for i in 1 2 3 4; do
  mkcell --name "race$i" --cpus 5 --mem 0x40000000:0:0x100000:$RAM -o "$WORK/race$i.cell"
done
ok=0
for i in 1 2 3 4; do jh cell create "$WORK/race$i.cell" 2>/dev/null & done
for job in $(jobs -p); do wait "$job" && ok=$((ok + 1)); done
expect_eq "one of 4 racing creates for CPU 5 wins" "1" "$ok"

# Lowest free id: destroy 1 of {1}, create → 1 again.
jh cell destroy "$(cat "$SYSFS"/cells/1/name)"
jh cell create "$WORK/demo.cell"
expect_eq "lowest free id" "demo" "$(cat "$SYSFS/cells/1/name")"

# disable destroys every cell; enable needs a system config.
jh disable
expect_eq "disabled" "0" "$(cat "$SYSFS/enabled")"
expect_error "create while disabled" "JAILHOUSE_CELL_CREATE: Invalid argument" jh cell create "$WORK/demo.cell"
expect_error "enable with a cell file" "JAILHOUSE_ENABLE: Invalid argument" jh enable "$WORK/demo.cell"
printf 'JHSYS' > "$WORK/sys.cell"
expect_ok "enable" jh enable "$WORK/sys.cell"
expect_eq "root cell back with every CPU" "0-7" "$(cat "$SYSFS/cells/0/cpus_assigned_list")"
expect_error "enable twice" "JAILHOUSE_ENABLE: Device or resource busy" jh enable "$WORK/sys.cell"

# The Omnivisor layout: a simulator initialised with it reads Omnivisor cells.
OROOT=$WORK/omni
"$PY" "$HERE/jailhouse/jailhouse.py" --root "$OROOT" --init --cpus 0-3 --layout omnivisor --arch arm64
mkcell --demo --layout omnivisor --rcpus 1 -o "$WORK/omni.cell"
expect_ok "create an Omnivisor cell" "$PY" "$HERE/jailhouse/jailhouse.py" --root "$OROOT" cell create "$WORK/omni.cell"
expect_eq "its CPUs" "2-3" "$(cat "$OROOT/sys/devices/jailhouse/cells/1/cpus_assigned_list")"
expect_ok "load into its RAM (40-byte regions)" "$PY" "$HERE/jailhouse/jailhouse.py" --root "$OROOT" cell load 1 "$WORK/exit0.bin"

############################################################################ remoteproc
fuse_skip=""
if [ ! -c /dev/fuse ]; then
  fuse_skip="no /dev/fuse"
elif ! "$PY" -c 'import fusepy' 2>/dev/null && ! "$PY" -c 'import fuse' 2>/dev/null; then
  fuse_skip="python3-fusepy is not installed"
elif ! command -v fusermount >/dev/null; then
  fuse_skip="no fusermount"
fi

if [ -z "$fuse_skip" ]; then
  MNT=$WORK/rproc
  FW=$WORK/firmware
  mkdir -p "$MNT" "$FW"
  if ! "$PY" "$HERE/remoteproc/rprocfs.py" "$MNT" --firmware-dir "$FW" --rproc r5_0,r5_1 \
      --pidfile "$WORK/rprocfs.pid" --log "$WORK/rprocfs.log"; then
    fuse_skip="mounting the FUSE tree failed: $(cat "$WORK/rprocfs.log" 2>/dev/null)"
    MNT=""
  fi
fi

if [ -z "$fuse_skip" ]; then
  RPROC_PID=$(cat "$WORK/rprocfs.pid")
  R=$MNT/remoteproc0
  # write_attr FILE TEXT: echo's exit status and errno message.
  write_attr() { (printf '%s\n' "$2" > "$1") 2>&1 | sed 's/.*write error: //'; }
  expect_eq "two processors" "remoteproc0 remoteproc1" "$(ls "$MNT" | xargs)"
  expect_eq "name" "r5_0" "$(cat "$R/name")"
  expect_eq "default firmware name" "rproc-r5_0-fw" "$(cat "$R/firmware")"
  expect_eq "offline at first" "offline" "$(cat "$R/state")"
  expect_eq "name is read-only" "yes" "$( (echo x > "$R/name") 2>/dev/null && echo no || echo yes)"
  expect_eq "unknown state word" "Invalid argument" "$(write_attr "$R/state" bogus)"
  expect_eq "stop while offline" "Invalid argument" "$(write_attr "$R/state" stop)"
  expect_eq "detach while offline" "Invalid argument" "$(write_attr "$R/state" detach)"
  expect_eq "empty firmware name" "Invalid argument" "$(write_attr "$R/firmware" "")"
  # One write(2) with a newline inside (bash's printf may split it; the kernel takes each write alone).
  "$PY" -c 'import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY); os.write(fd, b"runz-abc.elf\nignored")' "$R/firmware"
  expect_eq "firmware cut at the first newline" "runz-abc.elf" "$(cat "$R/firmware")"
  expect_eq "start with the firmware missing" "No such file or directory" "$(write_attr "$R/state" start)"
  echo "not an elf" > "$FW/runz-abc.elf"
  expect_eq "start with a non-ELF firmware" "Invalid argument" "$(write_attr "$R/state" start)"
  { printf '\177ELF\002\001\001'; head -c 57 /dev/zero; } > "$FW/runz-abc.elf"
  expect_eq "start" "" "$(write_attr "$R/state" start)"
  expect_eq "running" "running" "$(cat "$R/state")"
  expect_eq "firmware busy while running" "Device or resource busy" "$(write_attr "$R/firmware" other.elf)"
  expect_eq "second start (refcount)" "" "$(write_attr "$R/state" start)"
  expect_eq "first stop keeps it running" "running" "$(write_attr "$R/state" stop; cat "$R/state")"
  expect_eq "second stop" "offline" "$(write_attr "$R/state" stop; cat "$R/state")"
  expect_eq "other processor untouched" "offline" "$(cat "$MNT/remoteproc1/state")"
  write_attr "$R/state" start >/dev/null
  expect_eq "crash needs a running core" "Invalid argument" "$(write_attr "$MNT/.inject/remoteproc1" crash)"
  echo crash > "$MNT/.inject/remoteproc0"
  expect_eq "injected crash" "crashed" "$(cat "$R/state")"
  expect_eq "stop of a crashed core" "Invalid argument" "$(write_attr "$R/state" stop)"
  expect_eq "coredump setting busy while crashed" "Device or resource busy" "$(write_attr "$R/coredump" inline)"
  echo reset > "$MNT/.inject/remoteproc0"
  expect_eq "reset" "offline" "$(cat "$R/state")"
  expect_eq "recovery default" "enabled" "$(cat "$R/recovery")"
  expect_eq "recovery bad word" "Invalid argument" "$(write_attr "$R/recovery" maybe)"
  write_attr "$R/recovery" disabled >/dev/null
  expect_eq "recovery disabled" "disabled" "$(cat "$R/recovery")"
  write_attr "$R/coredump" enabled >/dev/null
  expect_eq "coredump enabled reads default" "default" "$(cat "$R/coredump")"
  fusermount -u "$MNT" && pass "fusermount -u" || fail "fusermount -u"
  for _ in $(seq 50); do kill -0 "$RPROC_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$RPROC_PID" 2>/dev/null && fail "rprocfs still running after unmount" || pass "rprocfs exits on unmount"
  RPROC_PID=""
fi

if [ $FAILURES -ne 0 ]; then
  echo "$FAILURES failure(s)" >&2
  exit 1
fi
if [ -n "$fuse_skip" ]; then
  echo "SKIP: remoteproc simulator not tested: $fuse_skip (the jailhouse part passed)"
  exit 77
fi
echo "all simulator checks passed"
