#!/bin/bash
# linux.sysctl: net.ipv4.ip_forward and a kernel.* ipc sysctl applied in new namespaces; the
# host's values are unchanged; a net.* sysctl without a new network namespace and an unknown
# key fail create and leave nothing behind.
. "$(dirname "$0")/lib.sh"

host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
want=$((1 - host_fwd))
host_shmmni=$(cat /proc/sys/kernel/shmmni)
want_shmmni=$((host_shmmni - 7))

b=$(new_bundle)
set_config "$b" '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shmmni": $s, "net.ipv4.conf.all.accept_redirects": "0"}' \
    --arg f "$want" --arg s "$want_shmmni"
set_sh "$b" 'echo "fwd=$(cat /proc/sys/net/ipv4/ip_forward)"; echo "shmmni=$(cat /proc/sys/kernel/shmmni)"; echo "redir=$(cat /proc/sys/net/ipv4/conf/all/accept_redirects)"'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
get() { echo "$OUT" | sed -n "s/^$1=//p"; }
assert_eq "$want" "$(get fwd)" "net.ipv4.ip_forward inside"
assert_eq "$want_shmmni" "$(get shmmni)" "kernel.shmmni inside"
assert_eq 0 "$(get redir)" "net.ipv4.conf.all.accept_redirects inside"
assert_eq "$host_fwd" "$(cat /proc/sys/net/ipv4/ip_forward)" "host net.ipv4.ip_forward after the run"
assert_eq "$host_shmmni" "$(cat /proc/sys/kernel/shmmni)" "host kernel.shmmni after the run"

# net.* sysctl while sharing the host's network namespace: refused
b2=$(new_bundle hostnet)
set_config "$b2" '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": $f}' --arg f "$want"
id=$(new_id hostnet)
assert_fail rt run --bundle "$b2" "$id"
assert_no_leftovers "$id"
assert_eq "$host_fwd" "$(cat /proc/sys/net/ipv4/ip_forward)" "host net.ipv4.ip_forward after a refused sysctl"

# unknown sysctl key
b3=$(new_bundle unknown)
set_config "$b3" '.linux.sysctl = {"net.ipv4.no_such_sysctl_runz": "1"}'
id=$(new_id unknown)
assert_fail rt run --bundle "$b3" "$id"
assert_no_leftovers "$id"
pass
