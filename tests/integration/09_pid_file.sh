#!/bin/bash
# --pid-file: written by the time `create` returns, holding the init pid (== state.pid),
# absolute and relative paths (relative to the caller's cwd), `run --detach --pid-file`.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_args "$b" sleep 600
id=$(new_id)
pf="$T/pids/c1.pid"
mkdir -p "$T/pids"
assert_ok rt create --bundle "$b" --pid-file "$pf" "$id"
[[ -s $pf ]] || fail "pid file $pf missing or empty right after create returned"
pid=$(tr -d ' \n' <"$pf")
assert_match "$pid" '^[1-9][0-9]*$' "pid file content"
assert_eq "$(state_field "$id" pid)" "$pid" "pid file vs state.pid"
[[ -d /proc/$pid ]] || fail "pid $pid from the pid file is not alive"
assert_ok rt start "$id"
wait_status "$id" running
# after start the pid is the container's process (it carries the container's env)
grep -qszxF -- "$(marker_env)" "/proc/$pid/environ" || fail "pid $pid is not the container process"
assert_ok rt delete --force "$id"

# relative --pid-file resolves against the caller's cwd
id2=$(new_id)
mkdir -p "$T/cwd"
run_cap bash -c "cd '$T/cwd' && exec timeout -k 5 $RT_TIMEOUT '$RUNTIME' --root '$ROOT' create --bundle '$b' --pid-file rel.pid '$id2'"
assert_eq 0 "$RC" "create with relative --pid-file (stderr: $ERR)"
[[ -s $T/cwd/rel.pid ]] || fail "relative pid file not written to the caller's cwd ($(ls "$T/cwd" "$b"))"
assert_eq "$(state_field "$id2" pid)" "$(tr -d ' \n' <"$T/cwd/rel.pid")" "relative pid file vs state.pid"
assert_ok rt delete --force "$id2"

# run --detach --pid-file (and the --pid-file=PATH form)
id3=$(new_id)
assert_ok rt run --detach --bundle "$b" --pid-file="$T/pids/c3.pid" "$id3"
[[ -s $T/pids/c3.pid ]] || fail "run --detach --pid-file=... wrote no pid file"
pid3=$(tr -d ' \n' <"$T/pids/c3.pid")
assert_eq "$(state_field "$id3" pid)" "$pid3" "run --detach pid file vs state.pid"
grep -qszxF -- "$(marker_env)" "/proc/$pid3/environ" || fail "pid $pid3 is not the container process"
assert_ok rt delete --force "$id3"
pass
