#!/bin/bash
# exec: a new process joins the container's namespaces and cgroup, gets the container's
# process settings overridden by the flags (or a --process file), and its exit status is
# exec's; --detach with --pid-file; a tty over --console-socket; failures are clean.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_config "$b" '.hostname = "exechost" | .process.env += ["FROM_CONFIG=yes"]'
set_sh "$b" 'echo ready > /tmp/ready; while :; do sleep 0.05; done'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
init=$(state_field "$id" pid)

# exit status and stdout
run_cap rt exec "$id" sh -c 'echo out; exit 7'
assert_eq 7 "$RC" "exec exit status"
assert_eq out "$OUT" "exec stdout"

# namespaces: hostname (uts), pid namespace (the init is pid 1 here), mount namespace
run_cap rt exec "$id" sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; test -f /tmp/ready && echo rootfs'
assert_eq 0 "$RC" "exec in namespaces: $ERR"
assert_contains "$OUT" exechost "uts namespace"
assert_contains "$OUT" "while :" "pid namespace (pid 1 is the container's init)"
assert_contains "$OUT" rootfs "mount namespace"
for ns in pid mnt uts ipc net; do
    run_cap rt exec "$id" readlink /proc/self/ns/$ns
    assert_eq "$(readlink /proc/$init/ns/$ns)" "$OUT" "exec joins the $ns namespace"
done

# config defaults and flag overrides
run_cap rt exec "$id" sh -c 'echo $FROM_CONFIG'
assert_eq yes "$OUT" "env from config.json"
run_cap rt exec --env A=1 -e B=2 --cwd /tmp --user 1000:1001 --additional-gids 5 "$id" sh -c 'echo $A$B; pwd; id -u; id -g; id -G'
assert_eq 0 "$RC" "exec with flags: $ERR"
assert_eq "12
/tmp
1000
1001
1001 5" "$OUT" "env, cwd, user, additional gids"

# capabilities: the default set has no CAP_SYS_ADMIN; --cap adds it
run_cap rt exec "$id" sh -c 'grep CapEff /proc/self/status'
default_caps=$OUT
run_cap rt exec --cap CAP_SYS_ADMIN "$id" sh -c 'grep CapEff /proc/self/status'
assert_ne "$default_caps" "$OUT" "--cap changes the effective set"
run_cap rt exec --cap CAP_NOPE "$id" true
assert_ne 0 "$RC" "unknown capability fails"
run_cap rt exec --no-new-privs "$id" grep NoNewPrivs /proc/self/status
assert_contains "$OUT" 1 "--no-new-privs"

# --process file
cat >"$T/process.json" <<JSON
{"args": ["sh", "-c", "echo \$P; pwd; exit 3"], "env": ["P=fromfile", "PATH=/bin"], "cwd": "/etc", "user": {"uid": 0, "gid": 0}}
JSON
run_cap rt exec --process "$T/process.json" "$id"
assert_eq 3 "$RC" "process.json exit status"
assert_eq "fromfile
/etc" "$OUT" "process.json args, env, cwd"
echo '{"args": "not-a-list"}' >"$T/bad.json"
run_cap rt exec --process "$T/bad.json" "$id"
assert_ne 0 "$RC" "bad process.json fails"
assert_contains "$ERR" "args" "the error names the field"

# detached with a pid file
assert_ok rt exec --detach --pid-file "$T/exec.pid" "$id" sh -c 'echo detached > /tmp/detached; sleep 600'
wait_file "$b/rootfs/tmp/detached"
p=$(cat "$T/exec.pid")
[ -d "/proc/$p" ] || fail "pid file $p does not name a live process"
assert_contains "$(cat /proc/$p/cmdline | tr '\0' ' ')" "sleep 600" "the pid file names the exec'd process"
assert_eq "$(cat /proc/$init/cgroup)" "$(cat /proc/$p/cgroup)" "exec joins the container's cgroup (host view)"

# tty over a console socket
start_console_receiver "$T/console.sock" "$T/console.out"
assert_ok rt exec --tty --console-socket "$T/console.sock" "$id" sh -c 'tty; echo tty-ok'
for ((i = 0; i < 100; i++)); do grep -q tty-ok "$T/console.out" 2>/dev/null && break; sleep 0.05; done
assert_contains "$(cat "$T/console.out")" "/dev/pts/" "exec --tty gets a pty"

# --cgroup: a sub-cgroup of the container's, which must exist and stay below it
cg=$(jq -r .linux.cgroupsPath "$b/config.json")
made=()
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [ -d "$h${cg#/}" ] || continue
    mkdir -p "$h${cg#/}/sub" && made+=("$h${cg#/}/sub")
    [ -f "$h${cg#/}/cpuset.cpus" ] && cat "$h${cg#/}/cpuset.cpus" > "$h${cg#/}/sub/cpuset.cpus" && cat "$h${cg#/}/cpuset.mems" > "$h${cg#/}/sub/cpuset.mems"
done
assert_ok rt exec --detach --pid-file "$T/sub.pid" --cgroup sub "$id" sleep 600
assert_contains "$(cat /proc/$(cat "$T/sub.pid")/cgroup)" "$cg/sub" "exec --cgroup puts the process in the sub-cgroup"
kill -9 "$(cat "$T/sub.pid")"
run_cap rt exec --cgroup nosuch "$id" true
assert_ne 0 "$RC" "a missing sub-cgroup fails"
assert_contains "$ERR" "--cgroup" "the error names the flag"
run_cap rt exec --cgroup ../../escape "$id" true
assert_ne 0 "$RC" "a sub-cgroup path that climbs out is refused"
for ((i = 0; i < 50; i++)); do rmdir "${made[@]}" 2>/dev/null && break; sleep 0.1; done

# a missing command fails with a message, not a hang
run_cap rt exec "$id" /no/such/binary
assert_ne 0 "$RC" "missing executable"
assert_icontains "$ERR" "no such" "missing executable message"

# nonexistent and stopped containers
run_cap rt exec "nosuch-$id" true
assert_ne 0 "$RC" "exec into a nonexistent container"
assert_icontains "$ERR" "does not exist" "nonexistent message"
assert_ok rt kill "$id" KILL
wait_status "$id" stopped
run_cap rt exec "$id" true
assert_ne 0 "$RC" "exec into a stopped container"
assert_icontains "$ERR" "stopped" "stopped message"
assert_ok rt delete "$id"
pass
