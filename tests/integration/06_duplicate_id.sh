#!/bin/bash
# Creating a container with an id that is already in use fails (created, running and
# stopped), and the existing container is left intact.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_args "$b" sleep 600
b2=$(new_bundle other)
set_sh "$b2" 'echo second > /tmp/second'
id=$(new_id)

assert_ok rt create --bundle "$b" "$id"
pid=$(state_field "$id" pid)

# duplicate while created
assert_fail rt create --bundle "$b2" "$id"
s=$(state_json "$id")
assert_eq created "$(echo "$s" | jq -r .status)" "status of the original after a duplicate create"
assert_eq "$pid" "$(echo "$s" | jq -r .pid)" "pid of the original after a duplicate create"
assert_eq "$b" "$(echo "$s" | jq -r .bundle)" "bundle of the original after a duplicate create"

# duplicate while running (create and run)
assert_ok rt start "$id"
wait_status "$id" running
assert_fail rt create --bundle "$b2" "$id"
assert_fail rt run --bundle "$b2" "$id"
[[ ! -e $b2/rootfs/tmp/second ]] || fail "the duplicate container ran"
s=$(state_json "$id")
assert_eq running "$(echo "$s" | jq -r .status)" "status of the original after duplicate create/run"
assert_eq "$pid" "$(echo "$s" | jq -r .pid)" "pid of the original"
kill -0 "$pid" 2>/dev/null || fail "original init $pid died"

# duplicate while stopped
assert_ok rt kill "$id" KILL
wait_status "$id" stopped
assert_fail rt create --bundle "$b2" "$id"
assert_eq stopped "$(state_field "$id" status)" "status of the stopped original after duplicate create"
assert_eq "$b" "$(state_field "$id" bundle)" "bundle of the stopped original"

# after delete the id is free again
assert_ok rt delete "$id"
assert_ok rt run --bundle "$b2" "$id"
assert_eq second "$(cat "$b2/rootfs/tmp/second")" "container re-using a deleted id"
assert_no_leftovers "$id"
pass
