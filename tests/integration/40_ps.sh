#!/bin/bash
# ps: --format json prints the host pids of every process in the container's cgroup (the
# init, its children, exec'd processes); the table (default) is the host's `ps -ef` reduced
# to the header and the container's lines, and ps options after the id replace -ef.
# A stopped container lists nothing; an unknown id and a bad --format fail.
# Same results under runc 1.1.5 (RUNTIME=/usr/sbin/runc), except where a NOTE says.
. "$(dirname "$0")/lib.sh"

command -v ps >/dev/null || skip "the host has no ps (apt-get install procps)"

b=$(new_bundle)
set_sh "$b" 'sleep 601 & sleep 602 & echo ready > /tmp/ready; wait'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
init=$(state_field "$id" pid)
for ((i = 0; i < 100; i++)); do [[ $(marker_pids | wc -l) -ge 3 ]] && break; sleep 0.05; done
expected=$(marker_pids | sort -n | tr '\n' ' ')

# json: exactly the container's processes
assert_ok rt ps --format json "$id"
jq -e 'type == "array" and all(.[]; type == "number")' <<<"$OUT" >/dev/null || fail "ps --format json is not an array of numbers: $OUT"
got=$(jq -r '.[]' <<<"$OUT" | sort -n | tr '\n' ' ')
assert_eq "$expected" "$got" "ps --format json pids"
assert_contains " $got" " $init " "the init is listed"
assert_ok rt ps -f json "$id"
assert_eq "$expected" "$(jq -r '.[]' <<<"$OUT" | sort -n | tr '\n' ' ')" "ps -f json"

# table: the header of ps -ef and one line per container process
assert_ok rt ps "$id"
header=$(head -n1 <<<"$OUT")
assert_match "$header" "^UID +PID +PPID" "table header (ps -ef)"
assert_eq 3 "$(tail -n +2 <<<"$OUT" | wc -l)" "table lines: $OUT"
assert_contains "$OUT" "sleep 601" "table line of a child"
assert_contains "$OUT" "sleep 602" "table line of another child"
for p in $expected; do
    tail -n +2 <<<"$OUT" | awk '{print $2}' | grep -qx "$p" || fail "pid $p is missing from the table: $OUT"
done
tail -n +2 <<<"$OUT" | awk '{print $2}' | grep -qx "$$" && fail "the table lists a host process (the test's shell)"

# ps options after the id replace -ef
assert_ok rt ps "$id" -o pid,comm
assert_match "$(head -n1 <<<"$OUT")" "^ *PID +COMMAND *$" "header with -o pid,comm"
assert_eq 3 "$(tail -n +2 <<<"$OUT" | wc -l)" "lines with -o pid,comm: $OUT"
assert_contains "$OUT" sleep "comm column"
# NOTE: runc passes a "--" after the id on to ps, which rejects it; runz drops it.
if [[ $(basename "$RUNTIME") != runc ]]; then
    assert_ok rt ps "$id" -- -o pid,args
    assert_contains "$OUT" "sleep 601" "ps ID -- OPTIONS"
fi
# options ps rejects: its error, and a failure
assert_fail rt ps "$id" --no-such-ps-option

# an exec'd process is in the container's cgroup, so ps lists it
assert_ok rt exec --detach "$id" sleep 603
for ((i = 0; i < 100; i++)); do
    run_cap rt ps "$id"
    [[ $OUT == *"sleep 603"* ]] && break
    sleep 0.05
done
assert_contains "$OUT" "sleep 603" "exec'd process in ps"
assert_ok rt ps --format json "$id"
assert_eq 4 "$(jq length <<<"$OUT")" "pids after exec"

# bad format, unknown id, missing id
assert_fail rt ps --format yaml "$id"
assert_fail rt ps nosuchcontainer-$$
assert_fail rt ps

# a stopped container: nothing listed (runc prints the header only, and [])
assert_ok rt kill --all "$id" KILL
wait_status "$id" stopped
for ((i = 0; i < 100; i++)); do
    run_cap rt ps --format json "$id"
    [[ $OUT == "[]" || $OUT == null ]] && break
    sleep 0.05
done
assert_eq 0 "$RC" "ps --format json of a stopped container"
assert_eq 0 "$(jq length <<<"$OUT")" "no pids in a stopped container"
assert_ok rt ps "$id"
assert_eq 1 "$(wc -l <<<"$OUT")" "the table of a stopped container is the header: $OUT"
assert_ok rt delete "$id"
assert_no_leftovers "$id"
pass
