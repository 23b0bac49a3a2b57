#!/bin/bash
# create / start / state / kill / delete and the OCI states created -> running -> stopped;
# state JSON fields (ociVersion, id, status, pid, bundle, annotations); the process does not
# run before `start`; `start` on a container that is not `created` fails; `delete` of a
# running container fails without --force and works with it.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_sh "$b" 'echo started > /tmp/started; trap "exit 0" USR1; while :; do sleep 0.1; done'
set_config "$b" '.annotations = {"org.runz.test": "hello", "com.example.other": "x y z"}'
id=$(new_id)

# create with a relative --bundle: state.bundle must still be the absolute path
rel=$(basename "$b")
run_cap bash -c "cd '$T' && exec timeout -k 5 $RT_TIMEOUT '$RUNTIME' --root '$ROOT' create --bundle '$rel' '$id'"
assert_eq 0 "$RC" "create exit status (stderr: $ERR)"

s=$(state_json "$id")
echo "$s" | jq -e . >/dev/null || fail "state output is not JSON: $s"
assert_eq created "$(echo "$s" | jq -r .status)" "status after create"
assert_eq "$id" "$(echo "$s" | jq -r .id)" "state.id"
assert_match "$(echo "$s" | jq -r .ociVersion)" '^1\.' "state.ociVersion"
assert_eq "$b" "$(echo "$s" | jq -r .bundle)" "state.bundle (absolute)"
assert_eq hello "$(echo "$s" | jq -r '.annotations["org.runz.test"]')" "state.annotations[org.runz.test]"
assert_eq "x y z" "$(echo "$s" | jq -r '.annotations["com.example.other"]')" "state.annotations[com.example.other]"
pid=$(echo "$s" | jq -r .pid)
assert_match "$pid" '^[1-9][0-9]*$' "state.pid in created state"
[[ -d /proc/$pid ]] || fail "state.pid $pid of the created container is not a live process"
# the user process must not have run yet
sleep 0.3
[[ ! -e $b/rootfs/tmp/started ]] || fail "process ran before 'start'"

# start: created -> running
assert_ok rt start "$id"
wait_file "$b/rootfs/tmp/started"
s=$(state_json "$id")
assert_eq running "$(echo "$s" | jq -r .status)" "status after start"
assert_eq "$pid" "$(echo "$s" | jq -r .pid)" "state.pid after start (same init process)"
assert_eq "$id" "$(echo "$s" | jq -r .id)" "state.id while running"

# start on a running container fails and does not disturb it
assert_fail rt start "$id"
assert_eq running "$(state_field "$id" status)" "status after a second start"

# delete without --force on a running container fails and leaves it running
assert_fail rt delete "$id"
assert_eq running "$(state_field "$id" status)" "status after refused delete"
kill -0 "$pid" 2>/dev/null || fail "init $pid died after a refused delete"

# kill (USR1 -> the trap exits 0): running -> stopped
assert_ok rt kill "$id" USR1
wait_status "$id" stopped
wait_gone "$pid"
s=$(state_json "$id")
assert_eq "$id" "$(echo "$s" | jq -r .id)" "state.id when stopped"
assert_eq "$b" "$(echo "$s" | jq -r .bundle)" "state.bundle when stopped"

# start on a stopped container fails
assert_fail rt start "$id"
assert_eq stopped "$(state_field "$id" status)" "status after start on a stopped container"

# delete of a stopped container works without --force; then the id is unknown
assert_ok rt delete "$id"
assert_fail rt state "$id"
assert_icontains "$OUT$ERR" "does not exist" "state after delete"
[[ ! -e $ROOT/$id ]] || fail "$ROOT/$id still exists after delete"

# delete --force of a running container kills it and removes it
b2=$(new_bundle)
set_args "$b2" sleep 600
id2=$(new_id)
assert_ok rt create --bundle "$b2" "$id2"
assert_ok rt start "$id2"
wait_status "$id2" running
pid2=$(state_field "$id2" pid)
assert_ok rt delete --force "$id2"
wait_gone "$pid2"
assert_fail rt state "$id2"
[[ ! -e $ROOT/$id2 ]] || fail "$ROOT/$id2 still exists after delete --force"

# delete --force of a created (never started) container
id3=$(new_id)
assert_ok rt create --bundle "$b2" "$id3"
pid3=$(state_field "$id3" pid)
assert_ok rt delete --force "$id3"
wait_gone "$pid3"
assert_fail rt state "$id3"

# a container whose process exits by itself becomes stopped
b4=$(new_bundle)
set_args "$b4" true
id4=$(new_id)
assert_ok rt create --bundle "$b4" "$id4"
assert_ok rt start "$id4"
wait_status "$id4" stopped
assert_ok rt delete "$id4"

assert_no_leftovers "$id"
pass
