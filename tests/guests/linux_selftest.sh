#!/bin/bash
# Boot Debian's amd64 kernel with our initramfs (runz-guest-init + 9p modules) and a busybox
# rootfs shared over virtio-9p, by a raw QEMU command line: the Linux-guest path of the vm
# kind without the runtime. Checks output and exit codes, then times a few boots.
# Env: GUEST_INIT (runz-guest-init), MAKE_INITRAMFS (make_guest_initramfs),
#      KERNEL_CACHE (default /var/cache/runz-tests/linux), BOOT_RUNS (default 5).
# Exit 77 (skip) with a reason when QEMU, busybox or the kernel package are not available.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

: "${GUEST_INIT:?set GUEST_INIT to the runz-guest-init binary}"
: "${MAKE_INITRAMFS:?set MAKE_INITRAMFS to the make_guest_initramfs binary}"
qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 not installed"
[[ -x /bin/busybox ]] || skip "busybox-static not installed"
ldd /bin/busybox >/dev/null 2>&1 && skip "/bin/busybox is dynamic: install busybox-static"
paths=$("$here/fetch_linux_kernel.sh" "${KERNEL_CACHE:-/var/cache/runz-tests/linux}")
rc=$?
[[ $rc -eq 77 ]] && skip "guest kernel not available"
[[ $rc -ne 0 ]] && { echo "FAIL: fetch_linux_kernel.sh exited $rc"; exit 1; }
kernel=$(sed -n 's/^kernel=//p' <<<"$paths")
modules=$(sed -n 's/^modules=//p' <<<"$paths")

# The host's TSC frequency for tsc_early_khz (TSC calibration under TCG sometimes fails
# and hangs the boot). The kernel log says it best; /proc/cpuinfo's "cpu MHz" is the same
# value on a VM whose TSC frequency is known (flag tsc_known_freq, no APERF/MPERF).
host_tsc_khz() {
    local mhz
    mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n1)
    [[ -n $mhz ]] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -n1)
    [[ -n $mhz ]] || mhz=$(sed -n 's/^cpu MHz[[:space:]]*: *\([0-9.]*\)/\1/p' /proc/cpuinfo | head -n1)
    awk -v m="$mhz" 'BEGIN { printf "%d\n", m * 1000 }'
}
tsc_khz=$(host_tsc_khz)

work=$(mktemp -d "${TMPDIR:-/tmp}/runz-linuxguest.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done

# run_qemu CPIO [QEMU ARG...]: boots it, sets $out (the console) and $status (QEMU's exit status)
run_qemu() {
    # microvm keeps ACPI on: Debian's virtio_mmio finds its devices only through ACPI
    # (no virtio_mmio.device= support), and without ACPI the guest has no working timer.
    # loglevel=1 keeps kernel errors of a machine without PCI off the container's console.
    out=$(timeout 60 "$qemu" -M microvm,x-option-roms=off,pit=off,pic=off -accel tcg -m 256 \
        -nodefaults -no-user-config -nographic -serial stdio -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -kernel "$kernel" -initrd "$1" \
        -append "console=ttyS0 quiet loglevel=1 panic=-1 pci=off tsc_early_khz=$tsc_khz cryptomgr.notests" \
        -fsdev "local,id=fs0,path=$rootfs,security_model=none" \
        -device virtio-9p-device,fsdev=fs0,mount_tag=rootfs "${@:2}" </dev/null 2>&1)
    status=$?
}

# boot NAME ARGS... (make_guest_initramfs options, then -- and the command)
boot() {
    local name=$1
    shift
    "$MAKE_INITRAMFS" --out "$work/$name.cpio" --init "$GUEST_INIT" --modules-dir "$modules" \
        --env PATH=/bin "$@" >/dev/null || { fail "$name: make_guest_initramfs"; return; }
    run_qemu "$work/$name.cpio" "${qemu_extra[@]}"
}
qemu_extra=()

# expect NAME GUEST_STATUS NEEDLE: QEMU exits with (status << 1) | 1, truncated to 8 bits.
expect() {
    local name=$1 want=$2 needle=$3
    local qemu_want=$((((want << 1) | 1) & 255))
    if [[ $status -ne $qemu_want ]]; then
        fail "$name: QEMU exited $status, want $qemu_want (guest status $want)"
        echo "$out" | tail -n 20
    elif [[ -n $needle && $out != *"$needle"* ]]; then
        fail "$name: console lacks \"$needle\""
        echo "$out" | tail -n 20
    else
        echo "ok: $name (QEMU $status = guest $want)"
    fi
}

boot exit_code -- sh -c 'echo hi from guest; exit 7'
expect exit_code 7 "hi from guest"
[[ $out == "hi from guest" ]] || fail "exit_code: console holds more than the output: $out"

boot process_setup --env FOO=bar --cwd /tmp --uid 1000 --gid 1000 --group 44 \
    --hostname guesty -- sh -c 'echo "got $FOO $(pwd) $(id -u):$(id -g):$(id -G) $(hostname) $(umask)"; touch /x.$$ 2>/dev/null || echo cannot-write-root'
expect process_setup 0 "got bar /tmp 1000:1000:1000 44 guesty 0022"
[[ $out == *cannot-write-root* ]] || fail "process_setup: uid 1000 could write /"

boot guest_mounts -- sh -c 'grep -c "^[^ ]* /\(proc\|sys\|dev\|dev/pts\|dev/shm\|tmp\) " /proc/mounts; test -c /dev/null && test -c /dev/ptmx && echo devices-ok'
expect guest_mounts 0 $'6\ndevices-ok'

# With a terminal the process owns the serial port as its controlling tty, in cooked
# mode: "\n" leaves the guest as "\r\n". Without, bytes pass unchanged (checked above).
boot terminal --terminal -- sh -c 'tty; : </dev/tty && echo has-ctty'
expect terminal 0 $'/dev/ttyS0\r\nhas-ctty'

boot not_found -- /bin/no-such-command
expect not_found 127 "runz-guest-init: exec /bin/no-such-command: No such file or directory"

boot bad_cwd --cwd /no/such/dir -- true
expect bad_cwd 127 "runz-guest-init: chdir /no/such/dir: No such file or directory"

boot path_search -- true
expect path_search 0 ""

# 128+9 = 137 does not survive the 8-bit exit status: QEMU exits (275 & 255) = 19.
boot killed -- sh -c 'kill -9 $$'
expect killed 137 ""

# A status share gets the whole status: 200 is 72 in QEMU's exit status.
mkdir "$work/status"
qemu_extra=(-fsdev "local,id=fs1,path=$work/status,security_model=none"
            -device virtio-9p-device,fsdev=fs1,mount_tag=runzstatus)
boot status_share -- sh -c 'exit 200'
qemu_extra=()
expect status_share 200 ""
[[ $(cat "$work/status/exit-status" 2>/dev/null) == 200 ]] ||
    fail "status_share: exit-status holds \"$(cat "$work/status/exit-status" 2>&1)\", want 200"

# Boot-to-exit time of the first case, median of BOOT_RUNS runs.
runs=${BOOT_RUNS:-5}
"$MAKE_INITRAMFS" --out "$work/timed.cpio" --init "$GUEST_INIT" --modules-dir "$modules" \
    --env PATH=/bin -- sh -c 'echo hi from guest; exit 7' >/dev/null
times=()
for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    run_qemu "$work/timed.cpio"
    end=$(date +%s%N)
    [[ $status -eq 15 ]] || fail "timed run $i: QEMU exited $status"
    times+=($(((end - start) / 1000000)))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "QEMU spawn to exit (ms): ${times[*]}; median ${sorted[$((runs / 2))]}"

[[ $failures -eq 0 ]] || { echo "$failures failure(s)"; exit 1; }
echo "all ok"
