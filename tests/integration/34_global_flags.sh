#!/bin/bash
# Global flags: --root DIR and --root=DIR, --help, -v/--version, --systemd-cgroup accepted
# (and, where systemd is absent, create with it fails with a message and leaves nothing);
# an unknown global flag and an unknown verb fail.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_args "$b" sleep 600
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
# --root=DIR form sees the same store
assert_ok timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root="$ROOT" state "$id"
assert_eq running "$(echo "$OUT" | jq -r .status)" "state via --root=DIR"
assert_ok timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root="$ROOT" list -q
assert_eq "$id" "$OUT" "list -q via --root=DIR"
# a different --root does not see it
mkdir -p "$T/other-root"
run_cap timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$T/other-root" state "$id"
[[ $RC != 0 ]] || fail "a container is visible under another --root"
assert_ok rt delete --force "$id"

assert_ok "$RUNTIME" --help
assert_icontains "$OUT$ERR" "create" "--help lists the verbs"
assert_ok "$RUNTIME" -v
assert_icontains "$OUT" "version" "-v"

# --systemd-cgroup is accepted by verbs where it does not matter
assert_ok rt --systemd-cgroup list
if [[ -d /run/systemd/system ]]; then
    log "systemd is running here: not checking the no-systemd error"
else
    id=$(new_id systemd)
    b2=$(new_bundle systemd)
    set_config "$b2" '.linux.cgroupsPath = "system.slice:runz-itest:x"'
    assert_fail rt --systemd-cgroup create --bundle "$b2" "$id"
    [[ -n $ERR$OUT ]] || fail "--systemd-cgroup create without systemd failed silently"
    assert_no_leftovers "$id"
fi

# unknown global flag / unknown verb
assert_fail rt --runz-no-such-flag list
assert_fail rt runz-no-such-verb
pass
