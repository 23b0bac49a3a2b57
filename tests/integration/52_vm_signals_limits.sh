#!/bin/bash
# vm kind, control: SIGTERM asks the guest to power off and falls back to killing the VMM
# after the shutdown timeout (runz.vm.shutdown-timeout); SIGKILL stops it at once; pause and
# resume freeze the VMM; the VMM lives in the container's cgroup and its guest RAM follows
# the memory limit; update changes its cgroup; events --stats reports on it.
. "$(dirname "$0")/lib.sh"
need_qemu

qemu_pid() {   # the VMM among the container's pids
    local p
    for p in $(rt ps --format json "$1" | jq -r '.[]'); do
        if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q qemu-system; then echo "$p"; return; fi
    done
}
qemu_arg() {   # the value after flag $2 on the VMM's command line
    tr '\0' '\n' <"/proc/$1/cmdline" | awk -v f="$2" 'prev == f {print; exit} {prev = $0}'
}

# SIGTERM: this guest has no power button, so after the timeout the VMM is killed; the
# container's status is 143 (128 + SIGTERM) and a line says why
b=$(new_guest_bundle spin)
set_config "$b" '.annotations["runz.vm.shutdown-timeout"] = "1s"'
id=$(new_id)
rt run --bundle "$b" "$id" >"$T/term.out" 2>"$T/term.err" &
runner=$!
wait_status "$id" running 10
sleep 0.5
SECONDS=0
assert_ok rt kill "$id" TERM
wait "$runner"
rc=$?
assert_eq 143 "$rc" "exit status after SIGTERM and the power-off timeout"
[[ $SECONDS -le 6 ]] || fail "SIGTERM took ${SECONDS}s with a 1s shutdown timeout"
assert_contains "$(cat "$T/term.err")" "did not power off" "the reason on stderr"
rt delete "$id" 2>/dev/null

# SIGKILL, pause/resume, limits
b=$(new_guest_bundle spin)
set_config "$b" '.linux.resources.memory.limit = 268435456 | .linux.resources.cpu = {"quota": 150000, "period": 100000}'
id=$(new_id)
assert_ok rt create --bundle "$b" "$id"
assert_ok rt start "$id"
wait_status "$id" running 10
sleep 0.3
q=$(qemu_pid "$id")
[[ -n $q ]] || fail "no VMM process in the container"
cg=$(jq -r .linux.cgroupsPath "$b/config.json")
if [[ -d /sys/fs/cgroup/memory ]]; then
    grep -qx "$q" "/sys/fs/cgroup/memory$cg/cgroup.procs" || fail "the VMM is not in the container's memory cgroup"
    assert_eq 268435456 "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" "memory limit"
fi
assert_eq 208 "$(qemu_arg "$q" -m | sed 's/[^0-9].*//')" "guest RAM = 256 MiB limit - 48 MiB VMM overhead"
assert_eq 2 "$(qemu_arg "$q" -smp | sed 's/[^0-9].*//')" "vCPUs = ceil(150000/100000)"
assert_ok rt update --memory 512m "$id"
if [[ -d /sys/fs/cgroup/memory ]]; then
    assert_eq 536870912 "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" "memory limit after update"
fi
assert_ok rt events --stats "$id"
assert_contains "$OUT" '"type":"stats"' "events --stats"
assert_ok rt pause "$id"
assert_eq paused "$(state_field "$id" status)" "after pause"
assert_eq T "$(awk '/^State:/{print substr($2,1,1)}' "/proc/$q/status" | tr D T)" "VMM frozen" || true
assert_ok rt resume "$id"
assert_eq running "$(state_field "$id" status)" "after resume"
SECONDS=0
assert_ok rt kill "$id" KILL
wait_status "$id" stopped 5
wait_gone "$q" 5
assert_ok rt delete "$id"

# a memory limit that leaves no room for the guest fails create clearly
b=$(new_guest_bundle spin)
set_config "$b" '.linux.resources.memory.limit = 33554432'
id=$(new_id)
assert_fail rt create --bundle "$b" "$id"
assert_contains "$ERR" "memory" "message for a too small memory limit"
[[ ! -e $ROOT/$id ]] || fail "state dir left after a failed create"
pass
