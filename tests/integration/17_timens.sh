#!/bin/bash
# Time namespace with linux.timeOffsets: boottime/monotonic clocks inside are shifted.
# Skipped when the runtime's `features` does not list the "time" namespace (runc 1.1.5
# does not support it; the runz issue lists it).
. "$(dirname "$0")/lib.sh"
[[ -e /proc/self/ns/time ]] || skip "kernel without time namespaces"
feat=$("$RUNTIME" features 2>/dev/null) || skip "runtime has no 'features' command"
echo "$feat" | jq -e '.linux.namespaces | index("time")' >/dev/null ||
    skip "runtime's features do not list the time namespace"

shift_s=$((400 * 86400))
b=$(new_bundle)
set_config "$b" '.linux.namespaces += [{type:"time"}]
    | .linux.timeOffsets = {boottime: {secs: $s, nanosecs: 0}, monotonic: {secs: $s, nanosecs: 0}}' \
    --argjson s "$shift_s"
set_sh "$b" 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
up=$(echo "$OUT" | head -1)
hostup=$(cut -d. -f1 /proc/uptime)
[[ $up -ge $((hostup + shift_s - 5)) ]] || fail "uptime inside ($up) not shifted by $shift_s (host $hostup)"
assert_ne "$(readlink /proc/self/ns/time)" "$(echo "$OUT" | sed -n 2p)" "time namespace"
pass
