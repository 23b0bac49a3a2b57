#!/bin/bash
# pause / resume: the cgroup freezer stops every process of the container and `state` and
# `list` say "paused"; resume continues them. pause of a paused or stopped container and
# resume of one that is not paused fail. A created container can be paused too (runc allows
# it). kill (SIGKILL), kill --all and delete --force reach a paused container and leave
# nothing behind; kill --all sweeps a container that keeps forking.
# Same results under runc 1.1.5 (RUNTIME=/usr/sbin/runc), see the NOTE below for kill --all.
. "$(dirname "$0")/lib.sh"

if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    layout=v2
else
    layout=v1
    [[ -d /sys/fs/cgroup/freezer ]] || skip "no v1 freezer hierarchy at /sys/fs/cgroup/freezer"
fi

# freezer_state CGROUPSPATH: FROZEN or THAWED, read from the cgroup itself
freezer_state() {
    if [[ $layout == v1 ]]; then
        cat "/sys/fs/cgroup/freezer$1/freezer.state"
    else
        [[ -f /sys/fs/cgroup$1/cgroup.freeze ]] || skip "this cgroup v2 has no cgroup.freeze (kernel < 5.2)"
        if [[ $(cat "/sys/fs/cgroup$1/cgroup.freeze") == 1 ]]; then echo FROZEN; else echo THAWED; fi
    fi
}
list_status() { rt list --format json | jq -r --arg id "$1" '.[] | select(.id == $id) | .status'; }
# counter FILE: the number in FILE (read again while a write leaves it empty for a moment)
counter() {
    local v i
    for ((i = 0; i < 50; i++)); do
        v=$(tr -dc 0-9 <"$1" 2>/dev/null)
        [[ -n $v ]] && { echo "$v"; return; }
        sleep 0.01
    done
    echo 0
}
# advances FILE OLD: wait (up to 5 s) until the counter in FILE is above OLD
advances() {
    local i
    for ((i = 0; i < 100; i++)); do
        [[ $(counter "$1") -gt $2 ]] && return 0
        sleep 0.05
    done
    return 1
}

# A container that counts, with a background child that counts too.
b=$(new_bundle)
cg=$(jq -r .linux.cgroupsPath "$b/config.json")
set_sh "$b" '
(i=0; while :; do i=$((i+1)); echo $i > /tmp/child; sleep 0.02; done) &
i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/count"
wait_file "$b/rootfs/tmp/child"

assert_ok rt pause "$id"
assert_eq paused "$(state_field "$id" status)" "state after pause"
assert_eq paused "$(list_status "$id")" "list --format json after pause"
run_cap rt list
assert_match "$OUT" "$id +[0-9]+ +paused" "list table after pause"
assert_eq FROZEN "$(freezer_state "$cg")" "freezer state after pause"
c1=$(counter "$b/rootfs/tmp/count"); k1=$(counter "$b/rootfs/tmp/child")
sleep 0.5
assert_eq "$c1" "$(counter "$b/rootfs/tmp/count")" "the init does not run while paused"
assert_eq "$k1" "$(counter "$b/rootfs/tmp/child")" "its child does not run while paused"

assert_fail rt pause "$id"                      # already paused

assert_ok rt resume "$id"
assert_eq running "$(state_field "$id" status)" "state after resume"
assert_eq running "$(list_status "$id")" "list after resume"
assert_eq THAWED "$(freezer_state "$cg")" "freezer state after resume"
advances "$b/rootfs/tmp/count" "$c1" || fail "the init does not run after resume"
advances "$b/rootfs/tmp/child" "$k1" || fail "its child does not run after resume"
assert_fail rt resume "$id"                     # not paused

# kill of a paused container: a plain signal waits (the container stays paused), SIGKILL
# ends it (it is thawed so the processes can die, as runc does on cgroup v1).
assert_ok rt pause "$id"
assert_ok rt kill "$id" TERM
assert_eq paused "$(state_field "$id" status)" "a paused container stays paused after SIGTERM"
assert_ok rt kill "$id" KILL
wait_status "$id" stopped
assert_fail rt pause "$id"                      # stopped
assert_fail rt resume "$id"                     # stopped
assert_ok rt delete "$id"
assert_no_leftovers "$id"

# delete of a paused container needs --force, which leaves nothing behind.
id2=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id2"
wait_status "$id2" running
assert_ok rt pause "$id2"
assert_fail rt delete "$id2"
assert_eq paused "$(state_field "$id2" status)" "delete without --force keeps a paused container"
assert_ok rt delete --force "$id2"
assert_no_leftovers "$id2"

# kill --all KILL on a paused container stops it.
id3=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id3"
wait_status "$id3" running
assert_ok rt pause "$id3"
assert_ok rt kill --all "$id3" KILL
wait_status "$id3" stopped
assert_ok rt delete "$id3"
assert_no_leftovers "$id3"

# A created container can be paused and resumed, and then started.
b2=$(new_bundle)
set_sh "$b2" 'echo started > /tmp/started; sleep 600'
id4=$(new_id)
assert_ok rt create --bundle "$b2" "$id4"
assert_ok rt pause "$id4"
assert_eq paused "$(state_field "$id4" status)" "a created container after pause"
assert_ok rt resume "$id4"
assert_eq created "$(state_field "$id4" status)" "a paused created container after resume"
assert_ok rt start "$id4"
wait_file "$b2/rootfs/tmp/started"
assert_ok rt delete --force "$id4"
assert_no_leftovers "$id4"

# kill --all sweeps a container whose processes keep forking: every process is signalled
# while the cgroup is frozen, so none can fork away from the sweep.
# NOTE: runz leaves a paused container paused after kill --all with a signal other than
# SIGKILL (runc thaws it); only SIGKILL is used here, where both behave the same.
b3=$(new_bundle)
if [[ -d /sys/fs/cgroup/pids || -f /sys/fs/cgroup/cgroup.controllers ]]; then
    set_config "$b3" '.linux.resources.pids = {"limit": 200}'
fi
set_sh "$b3" 'exec 2>/dev/null; echo ready > /tmp/ready; while :; do sh -c "sleep 600 &"; done'
id5=$(new_id)
assert_ok rt run --detach --bundle "$b3" "$id5"
wait_file "$b3/rootfs/tmp/ready"
sleep 0.5
assert_ok rt kill --all "$id5" KILL
wait_status "$id5" stopped
for ((i = 0; i < 100; i++)); do [[ -z $(marker_pids) ]] && break; sleep 0.05; done
[[ -z $(marker_pids) ]] || fail "processes survived kill --all: $(marker_pids | wc -l)"
assert_ok rt delete "$id5"
assert_no_leftovers "$id5"

# Unknown ids fail.
assert_fail rt pause nosuchcontainer-$$
assert_fail rt resume nosuchcontainer-$$
pass
