#!/bin/bash
# Hooks: prestart, createRuntime, createContainer, startContainer, poststart, poststop each
# run at their moment (create / start / delete), in order, with the state JSON on stdin
# (id, pid, bundle), with their `args` and `env`; createRuntime runs in the runtime's
# namespaces, createContainer and startContainer in the container's; startContainer's path
# resolves inside the container.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_args "$b" sleep 600
H="$T/hooks"; mkdir -p "$H"
hostuts=$(readlink /proc/self/ns/uts)

# a runtime-namespace hook: record name, stdin, env, args, uts/net namespace
rt_hook() {   # NAME
    jq -n --arg n "$1" --arg h "$H" --arg m "$(marker_env)" '{
        path: "/bin/sh",
        args: ["sh", "-c",
               "cat > \($h)/\($n).json; echo \($n) >> \($h)/order; echo \"$HOOKVAR\" > \($h)/\($n).env; echo \"$1\" > \($h)/\($n).arg; readlink /proc/self/ns/uts > \($h)/\($n).uts; readlink /proc/self/ns/net > \($h)/\($n).net",
               "argv0", "arg-of-\($n)"],
        env: ["HOOKVAR=env-of-\($n)", $m]
    }'
}
# startContainer: path and files resolve inside the container
start_hook=$(jq -n --arg m "$(marker_env)" '{
    path: "/bin/sh",
    args: ["sh", "-c", "cat > /startContainer.json; echo \"$HOOKVAR\" > /startContainer.env; readlink /proc/self/ns/uts > /startContainer.uts; hostname > /startContainer.hostname"],
    env: ["HOOKVAR=env-of-startContainer", $m]
}')
set_config "$b" '.hostname = "hook-host" | .hooks = {
    prestart:        [$pre],
    createRuntime:   [$cr],
    createContainer: [$cc],
    startContainer:  [$sc],
    poststart:       [$ps],
    poststop:        [$pst]
}' --argjson pre "$(rt_hook prestart)" --argjson cr "$(rt_hook createRuntime)" \
   --argjson cc "$(rt_hook createContainer)" --argjson sc "$start_hook" \
   --argjson ps "$(rt_hook poststart)" --argjson pst "$(rt_hook poststop)"

id=$(new_id)
check_stdin() {   # FILE NAME
    [[ -s $1 ]] || fail "$2 hook got no state on stdin"
    jq -e . "$1" >/dev/null || fail "$2 hook stdin is not JSON: $(cat "$1")"
    assert_eq "$id" "$(jq -r .id "$1")" "$2 hook state.id"
    assert_eq "$b" "$(jq -r .bundle "$1")" "$2 hook state.bundle"
    assert_match "$(jq -r .ociVersion "$1")" '^1\.' "$2 hook state.ociVersion"
}

# ---- create: prestart, createRuntime, createContainer run; the others do not
# NOTE: runc 1.1.5 runs poststart hooks at the end of `create`, before `start` (known
# deviation, opencontainers/runc#1710; moved to `start` upstream by runc PR #5186 in 2026).
# The runtime spec (runtime.md lifecycle steps 6-9) and the runz issue
# say poststart runs after the `start` operation, so this test asserts that and FAILS on
# runc 1.1.5 here; everything else in this script passes on runc.
assert_ok rt create --bundle "$b" "$id"
pid=$(state_field "$id" pid)
ctuts=$(readlink "/proc/$pid/ns/uts")
ctnet=$(readlink "/proc/$pid/ns/net")
for h in prestart createRuntime createContainer; do
    [[ -e $H/$h.json ]] || fail "$h hook did not run during create"
    check_stdin "$H/$h.json" "$h"
    assert_eq "env-of-$h" "$(cat "$H/$h.env")" "$h hook env HOOKVAR"
    assert_eq "arg-of-$h" "$(cat "$H/$h.arg")" "$h hook \$1 (args after the script)"
done
for h in poststart poststop; do [[ ! -e $H/$h.json ]] || fail "$h hook ran during create (order: $(cat $H/order))"; done
[[ ! -e $b/rootfs/startContainer.json ]] || fail "startContainer hook ran during create"
assert_eq "$(printf '%s\n' prestart createRuntime createContainer)" "$(cat "$H/order")" "hook order during create"
# namespaces: createRuntime in the runtime's, createContainer in the container's
assert_eq "$hostuts" "$(cat "$H/createRuntime.uts")" "uts namespace of the createRuntime hook"
assert_eq "$ctuts" "$(cat "$H/createContainer.uts")" "uts namespace of the createContainer hook"
assert_eq "$ctnet" "$(cat "$H/createContainer.net")" "net namespace of the createContainer hook"
assert_ne "$hostuts" "$ctuts" "container uts namespace vs host"
assert_match "$(jq -r .pid "$H/createContainer.json")" '^[1-9][0-9]*$' "createContainer state.pid"

# ---- start: startContainer (inside the container) and poststart
assert_ok rt start "$id"
wait_file "$H/poststart.json"
wait_file "$b/rootfs/startContainer.json"
check_stdin "$H/poststart.json" poststart
check_stdin "$b/rootfs/startContainer.json" startContainer
assert_eq "$pid" "$(jq -r .pid "$H/poststart.json")" "poststart state.pid"
assert_eq "env-of-startContainer" "$(cat "$b/rootfs/startContainer.env")" "startContainer hook env"
assert_eq "$ctuts" "$(cat "$b/rootfs/startContainer.uts")" "uts namespace of the startContainer hook"
assert_eq "hook-host" "$(cat "$b/rootfs/startContainer.hostname")" "hostname seen by the startContainer hook"
assert_eq "arg-of-poststart" "$(cat "$H/poststart.arg")" "poststart hook \$1"
[[ ! -e $H/poststop.json ]] || fail "poststop hook ran before delete"
assert_eq running "$(state_field "$id" status)" "status after start with hooks"

# ---- delete: poststop
assert_ok rt kill "$id" KILL
wait_status "$id" stopped
[[ ! -e $H/poststop.json ]] || fail "poststop hook ran before delete"
assert_ok rt delete "$id"
[[ -e $H/poststop.json ]] || fail "poststop hook did not run on delete"
check_stdin "$H/poststop.json" poststop
assert_eq "env-of-poststop" "$(cat "$H/poststop.env")" "poststop hook env"
assert_eq poststop "$(tail -1 "$H/order")" "last hook"
# each hook ran exactly once
for h in prestart createRuntime createContainer poststart poststop; do
    assert_eq 1 "$(grep -cx "$h" "$H/order")" "number of runs of $h"
done

# ---- `run` runs the same hooks (prestart .. poststop) in the foreground
: >"$H/order"
set_args "$b" true
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
assert_eq "$(printf '%s\n' prestart createRuntime createContainer poststart poststop)" "$(cat "$H/order")" "hooks run by 'run'"
pass
