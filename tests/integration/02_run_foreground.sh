#!/bin/bash
# `run` in the foreground: the container's exit status is returned (0, N, 128+signal when
# the init is killed), stdio is passed through untouched (stdin, stdout, stderr apart),
# signals sent to the runtime are forwarded to the container, and `run` deletes the
# container afterwards (unless --keep); `run --detach` returns with the container running.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)

# exit status 0 and N
set_args "$b" true
id=$(new_id); assert_ok rt run --bundle "$b" "$id"
set_sh "$b" 'exit 7'
id=$(new_id); run_cap rt run --bundle "$b" "$id"
assert_eq 7 "$RC" "exit status of run (sh -c 'exit 7')"
set_sh "$b" 'exit 255'
id=$(new_id); run_cap rt run --bundle "$b" "$id"
assert_eq 255 "$RC" "exit status of run (sh -c 'exit 255')"
# the container is gone after a foreground run without --keep
assert_fail rt state "$id"
[[ ! -e $ROOT/$id ]] || fail "state dir $ROOT/$id left after run"

# stdout and stderr are passed through separately
set_sh "$b" 'echo to-stdout; echo to-stderr >&2; exit 0'
id=$(new_id); assert_ok rt run --bundle "$b" "$id"
assert_eq "to-stdout" "$OUT" "container stdout"
assert_contains "$ERR" "to-stderr" "container stderr"
assert_not_contains "$OUT" "to-stderr" "container stdout"

# stdin is passed through
set_args "$b" sh -c 'read line; echo "got:$line"'
id=$(new_id)
out=$(echo "hello-stdin" | rt run --bundle "$b" "$id" 2>"$T/err"); rc=$?
assert_eq 0 "$rc" "run with stdin (stderr: $(cat "$T/err"))"
assert_eq "got:hello-stdin" "$out" "container echo of stdin"

# killed by SIGKILL (pid namespace init): 128+9
set_sh "$b" 'echo started > /tmp/started; exec sleep 60'
rm -f "$b/rootfs/tmp/started"
id=$(new_id)
rt run --bundle "$b" "$id" </dev/null >"$T/kill.out" 2>&1 &
runpid=$!
wait_file "$b/rootfs/tmp/started"
wait_status "$id" running
assert_ok rt kill "$id" KILL
wait "$runpid"; rc=$?
assert_eq 137 "$rc" "exit status of run whose container got SIGKILL"

# killed by SIGTERM (no pid namespace, so the default action applies): 128+15
b2=$(new_bundle nopidns)
set_config "$b2" '.linux.namespaces |= map(select(.type != "pid"))'
set_sh "$b2" 'echo started > /tmp/started; exec sleep 60'
id=$(new_id)
rt run --bundle "$b2" "$id" </dev/null >"$T/term.out" 2>&1 &
runpid=$!
wait_file "$b2/rootfs/tmp/started"
wait_status "$id" running
assert_ok rt kill "$id" TERM
wait "$runpid"; rc=$?
assert_eq 143 "$rc" "exit status of run whose container got SIGTERM"

# signals sent to the foreground runtime are forwarded to the container
set_sh "$b" 'trap "echo got-term > /tmp/term; exit 42" TERM; echo ready > /tmp/ready; while :; do sleep 0.1; done'
rm -f "$b/rootfs/tmp/ready" "$b/rootfs/tmp/term"
id=$(new_id)
"$RUNTIME" --root "$ROOT" run --bundle "$b" "$id" </dev/null >"$T/fwd.out" 2>&1 &
runpid=$!
echo "$runpid" >>"$T/.pids"
wait_file "$b/rootfs/tmp/ready"
kill -TERM "$runpid"
for ((i = 0; i < 200; i++)); do kill -0 "$runpid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$runpid" 2>/dev/null && fail "run did not exit after SIGTERM was sent to it (not forwarded?)"
wait "$runpid"; rc=$?
assert_eq 42 "$rc" "exit status of run after forwarding SIGTERM"
assert_eq "got-term" "$(cat "$b/rootfs/tmp/term" 2>/dev/null)" "marker written by the container's TERM trap"

# run --detach: returns at once, container running; then kill + delete
set_args "$b" sleep 60
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
assert_eq running "$(state_field "$id" status)" "status after run --detach"
assert_ok rt kill "$id" KILL
wait_status "$id" stopped
assert_ok rt delete "$id"

# run --keep: the stopped container stays until deleted
set_sh "$b" 'exit 3'
id=$(new_id)
run_cap rt run --keep --bundle "$b" "$id"
assert_eq 3 "$RC" "exit status of run --keep"
assert_eq stopped "$(state_field "$id" status)" "status after run --keep"
assert_ok rt delete "$id"
assert_fail rt state "$id"

pass
