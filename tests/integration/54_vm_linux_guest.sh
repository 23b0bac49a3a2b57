#!/bin/bash
# vm kind, Linux guests (the Kata-like path): runz.workload=vm on an ordinary Linux image
# boots the configured guest kernel with the rootfs over virtio-9p; our init runs
# process.args with the container's env, cwd and user, and the process's exit status (all 8
# bits) becomes the container's. A bare power-off is not a status. SIGTERM reaches the
# guest's process (ACPI power button → our init → SIGTERM).
. "$(dirname "$0")/lib.sh"
need_qemu
RT_TIMEOUT=120
config=$(linux_guest_config) || exit $?

b=$(new_bundle linux)
set_config "$b" '.annotations["runz.workload"] = "vm" | .process.cwd = "/tmp" | .process.env += ["GREETING=hi from the guest"]'
set_sh "$b" 'echo "$GREETING in $(pwd) as $(id -u)"; exit 7'
id=$(new_id)
SECONDS=0
run_cap rt --config "$config" run --bundle "$b" "$id"
log "Linux guest run took ${SECONDS}s"
assert_eq 7 "$RC" "exit status of the guest's process (stderr: $ERR)"
assert_contains "$OUT" "hi from the guest in /tmp as 0" "the process's output, env, cwd and uid"
rt delete "$id" 2>/dev/null

# a status above 127 survives (isa-debug-exit alone keeps 7 bits)
set_sh "$b" 'exit 200'
id=$(new_id)
run_cap rt --config "$config" run --bundle "$b" "$id"
assert_eq 200 "$RC" "exit status 200 from a Linux guest (stderr: $ERR)"
rt delete "$id" 2>/dev/null

# the rootfs is the container's: a file written by the guest is seen on the host
set_sh "$b" 'echo written-in-guest > /from-guest'
set_config "$b" '.process.user = {"uid": 0, "gid": 0}'
id=$(new_id)
run_cap rt --config "$config" run --bundle "$b" "$id"
assert_eq 0 "$RC" "writing to the 9p root (stderr: $ERR)"
assert_eq written-in-guest "$(cat "$b/rootfs/from-guest")" "file written by the guest"
rt delete "$id" 2>/dev/null

# `kill TERM` (docker stop) reaches the guest's process as SIGTERM: the power-off request
# becomes an ACPI power-button press, which our init turns into SIGTERM
b2=$(new_bundle linux)
set_config "$b2" '.annotations["runz.workload"] = "vm" | .annotations["runz.vm.shutdown-timeout"] = "30s"'
set_sh "$b2" 'trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 0.2; done'
id=$(new_id)
rt --config "$config" run --bundle "$b2" "$id" >"$T/term.out" 2>"$T/term.err" &
runner=$!
for ((i = 0; i < 300; i++)); do grep -q ready "$T/term.out" && break; sleep 0.1; done
assert_contains "$(cat "$T/term.out")" "ready" "the guest's process started"
SECONDS=0
assert_ok rt kill "$id" TERM
wait "$runner"
rc=$?
assert_eq 42 "$rc" "status of the process's TERM trap (stderr: $(cat "$T/term.err"))"
assert_contains "$(cat "$T/term.out")" "got TERM" "the process saw SIGTERM"
[[ $SECONDS -lt 20 ]] || fail "SIGTERM took ${SECONDS}s to reach the guest's process"
rt delete "$id" 2>/dev/null

# no guest kernel configured: a clear error at create, nothing left behind
id=$(new_id)
assert_fail rt run --bundle "$b" "$id"
assert_contains "$ERR" "linux_kernel" "message without a guest kernel"
[[ ! -e $ROOT/$id ]] || fail "state dir left after a failed create"
pass
