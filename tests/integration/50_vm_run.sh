#!/bin/bash
# vm kind: an image whose process.args[0] is a bare-metal guest (a PVH ELF, a multiboot
# kernel) runs as a microVM without any annotation; the guest's serial console is the
# container's stdout and its isa-debug-exit code is the container's exit code; a guest that
# crashes (triple fault) fails with a reason. state, ps
# and list see the VMM's monitor as the container's init; exec fails at once.
. "$(dirname "$0")/lib.sh"
need_qemu

# detection by the image alone; exit codes through isa-debug-exit
for code in 0 3 42; do
    b=$(new_guest_bundle hello "exit=$code")
    id=$(new_id)
    run_cap rt run --bundle "$b" "$id"
    assert_eq "$code" "$RC" "exit code of a guest that asked for $code (stderr: $ERR)"
    assert_contains "$OUT" "hello from a runz guest" "guest console on stdout"
    assert_contains "$OUT" "exit=$code" "the guest's command line (process.args[1:])"
    rt delete "$id" 2>/dev/null
done

# multiboot kernels boot too
b=$(new_guest_bundle hello-mb "exit=5")
id=$(new_id)
run_cap rt run --bundle "$b" "$id"
assert_eq 5 "$RC" "exit code of the multiboot guest (stderr: $ERR)"
assert_contains "$OUT" "hello from a runz guest" "multiboot guest console"
rt delete "$id" 2>/dev/null

# runPHI's image convention on a host without a partitioning backend: the kernel named by
# /boot/configuration.json (its kernel, else its inmate) boots in a VM (args[0] is no guest here)
b=$(new_guest_bundle hello)
mkdir -p "$b/rootfs/boot" && mv "$b/rootfs/hello.elf" "$b/rootfs/boot/zephyr.elf"
printf '{"os_var": "zephyr", "inmate": "/boot/zephyr.elf"}\n' >"$b/rootfs/boot/configuration.json"
set_config "$b" '.process.args = ["run", "exit=4"]'
id=$(new_id)
run_cap rt run --bundle "$b" "$id"
assert_eq 4 "$RC" "a boot-config kernel booted as a VM (stderr: $ERR)"
assert_contains "$OUT" "hello from a runz guest" "boot-config guest console"
rt delete "$id" 2>/dev/null

# a guest that triple-faults: a failure with a reason, never a clean 0
b=$(new_guest_bundle crash)
id=$(new_id)
run_cap rt run --bundle "$b" "$id"
assert_ne 0 "$RC" "exit status of a crashed guest"
assert_contains "$OUT" "crashing" "the crash guest's console"
assert_contains "$ERR" "reset" "the reason on stderr"
rt delete "$id" 2>/dev/null

# the lifecycle: created (VMM not started), running, stopped, with the kind recorded
b=$(new_guest_bundle spin)
id=$(new_id)
assert_ok rt create --bundle "$b" "$id"
assert_eq created "$(state_field "$id" status)" "status after create"
pid=$(state_field "$id" pid)
[[ $pid -gt 0 ]] || fail "no init pid after create"
assert_eq "vm" "$(jq -r .kind "$ROOT/$id/state.json")" "recorded kind"
if pgrep -P "$pid" -f qemu-system >/dev/null; then fail "the VMM runs before start"; fi
assert_ok rt start "$id"
assert_eq running "$(state_field "$id" status)" "status after start"
# ps lists the monitor and the VMM
sleep 0.3
pids=$(rt ps --format json "$id" | jq -r '.[]')
n=$(wc -w <<<"$pids")
[[ $n -ge 2 ]] || fail "ps: expected the monitor and the VMM, got: $pids"
qemu_seen=0
for p in $pids; do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q qemu-system && qemu_seen=1; done
assert_eq 1 "$qemu_seen" "a qemu-system process among the container's pids"
assert_contains "$(rt list)" "$id" "list"
# exec into a vm container fails at once with a clear message
SECONDS=0
assert_fail rt exec "$id" /bin/true
assert_contains "$ERR" "vm" "exec error names the kind"
[[ $SECONDS -lt 5 ]] || fail "exec into a vm container took ${SECONDS}s"
assert_ok rt kill "$id" KILL
wait_status "$id" stopped 10
assert_ok rt delete "$id"
[[ ! -e $ROOT/$id ]] || fail "state dir left after delete"

# runz.workload=process forces the process kind even for a guest image: running a PVH ELF
# as a Linux program fails (it is not one) instead of booting a VM
b=$(new_guest_bundle hello)
set_config "$b" '.annotations["runz.workload"] = "process"'
id=$(new_id)
run_cap rt run --bundle "$b" "$id"
[[ $RC -ne 0 ]] || fail "a PVH image run as a process should fail"
assert_not_contains "$OUT" "hello from a runz guest" "no VM with runz.workload=process"
rt delete -f "$id" 2>/dev/null

pass
