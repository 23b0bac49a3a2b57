#!/bin/bash
# Joining namespaces by path: a network namespace made with `ip netns add` is joined (same
# inode, its interfaces visible); a path to a namespace of the wrong type fails create and
# leaves nothing behind; a nonexistent path fails; uts joined by /proc/PID/ns path.
. "$(dirname "$0")/lib.sh"
command -v ip >/dev/null || skip "ip (iproute2) not installed"

ns=$(new_netns)
ip -n "$ns" link add runzveth0 type veth peer name runzveth1 || fail "could not add a veth pair in $ns"
nsino=$(stat -L -c %i "/run/netns/$ns")

b=$(new_bundle)
set_config "$b" '.linux.namespaces |= map(if .type == "network" then {type:"network", path:$p} else . end)' \
    --arg p "/run/netns/$ns"
set_sh "$b" 'echo "net=$(readlink /proc/self/ns/net)"; ip -o link show | sed -n "s/^[0-9]*: \([^:@]*\).*/link=\1/p"'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
assert_eq "net:[$nsino]" "$(echo "$OUT" | sed -n 's/^net=//p')" "network namespace joined by path"
assert_contains "$OUT" "link=runzveth0" "interfaces of the joined netns"
# the named netns survives the container
[[ -e /run/netns/$ns ]] || fail "/run/netns/$ns vanished"
ip -n "$ns" link show runzveth0 >/dev/null 2>&1 || fail "the joined netns lost its interface"

# a path to a namespace of the wrong type must fail (setns with the expected type)
for wrong in "/proc/self/ns/uts" "/proc/$$/ns/ipc" "/run/netns/$ns"; do
    # /run/netns/$ns is a network namespace, given as "uts" below for the third case
    b2=$(new_bundle wrong)
    if [[ $wrong == /run/netns/* ]]; then
        set_config "$b2" '.linux.namespaces |= map(if .type == "uts" then {type:"uts", path:$p} else . end)' --arg p "$wrong"
    else
        set_config "$b2" '.linux.namespaces |= map(if .type == "network" then {type:"network", path:$p} else . end)' --arg p "$wrong"
    fi
    set_sh "$b2" 'echo ran > /tmp/ran'
    id=$(new_id wrong)
    assert_fail rt create --bundle "$b2" "$id"
    [[ ! -e $b2/rootfs/tmp/ran ]] || fail "container ran with a wrong-type namespace path $wrong"
    assert_no_leftovers "$id"
done

# nonexistent path
b3=$(new_bundle missing)
set_config "$b3" '.linux.namespaces |= map(if .type == "network" then {type:"network", path:$p} else . end)' \
    --arg p "$T/no-such-netns"
id=$(new_id missing)
assert_fail rt create --bundle "$b3" "$id"
assert_no_leftovers "$id"

# join the uts namespace of another container by /proc/PID/ns/uts
b4=$(new_bundle host)
set_config "$b4" '.hostname = "shared-uts"'
set_args "$b4" sleep 600
id4=$(new_id host)
assert_ok rt run --detach --bundle "$b4" "$id4"
pid4=$(state_field "$id4" pid)
b5=$(new_bundle guest)
set_config "$b5" 'del(.hostname) | .linux.namespaces |= map(if .type == "uts" then {type:"uts", path:$p} else . end)' \
    --arg p "/proc/$pid4/ns/uts"
set_sh "$b5" 'hostname; readlink /proc/self/ns/uts'
id5=$(new_id guest)
assert_ok rt run --bundle "$b5" "$id5"
assert_eq "shared-uts" "$(echo "$OUT" | head -1)" "hostname in a joined uts namespace"
assert_eq "$(readlink "/proc/$pid4/ns/uts")" "$(echo "$OUT" | sed -n 2p)" "joined uts namespace"
assert_ok rt delete --force "$id4"
pass
