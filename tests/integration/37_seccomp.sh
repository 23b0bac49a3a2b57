#!/bin/bash
# linux.seccomp: the filter applies to the container's process (with and without
# noNewPrivileges) and to exec'd processes; errnoRet is honoured; a bad profile fails
# create with a message naming the field and leaves nothing behind.
. "$(dirname "$0")/lib.sh"

profile='{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
    {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
    {"names": ["made_up_syscall"], "action": "SCMP_ACT_ERRNO"}]}'

for nnp in true false; do
    b=$(new_bundle)
    set_config "$b" ".linux.seccomp = $profile | .process.noNewPrivileges = $nnp"
    set_sh "$b" 'mkdir /tmp/x 2>&1; mkdir /tmp/y 2>/dev/null || echo denied; rmdir /tmp 2>&1; echo ready > /tmp/ready; sleep 600'
    id=$(new_id)
    assert_ok rt run --detach --bundle "$b" "$id"
    wait_file "$b/rootfs/tmp/ready"
    [ -d "$b/rootfs/tmp/x" ] && fail "mkdir was not filtered (noNewPrivileges=$nnp)"
    out=$(cat "$b/rootfs/tmp/ready")
    run_cap rt exec "$id" sh -c 'mkdir /tmp/z || echo exec-denied'
    assert_contains "$OUT" exec-denied "the filter binds exec'd processes (noNewPrivileges=$nnp)"
    [ -d "$b/rootfs/tmp/z" ] && fail "exec'd mkdir was not filtered"
    run_cap rt exec "$id" rmdir /tmp
    assert_icontains "$ERR" "not implemented" "errnoRet 38 (ENOSYS) is returned"
    assert_ok rt delete --force "$id"
done

b=$(new_bundle)
set_config "$b" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}'
set_sh "$b" 'true'
id=$(new_id)
run_cap rt create --bundle "$b" "$id"
assert_ne 0 "$RC" "a bad seccomp action fails create"
assert_contains "$ERR" "syscalls[0].action" "the error names the field"
assert_no_leftovers "$id"

# features tells the truth
run_cap rt features
assert_contains "$OUT" SCMP_ACT_NOTIFY "features lists the seccomp actions"
pass
