#!/bin/bash
# vm kind, network: the interface of the container's network namespace (a veth here, as CNI
# would make it) is handed to a Linux guest — a tap joined to it by tc mirred, the address
# moved into the guest — and the guest reaches the veth's peer in another namespace. With
# runz.vm.network=none the guest has no NIC; with =tap and no interface, start fails. The
# tap goes away with the VM. The host's own network namespace is never handed over.
. "$(dirname "$0")/lib.sh"
need_qemu
command -v ip >/dev/null || skip "ip (iproute2) not installed"
RT_TIMEOUT=120
config=$(linux_guest_config) || exit $?

net=10.201.$(( $$ % 250 ))
# container_netns: a netns holding one end of a veth (NET.2/24, default route via NET.1),
# the other end in a peer netns (NET.1/24); prints "CONTAINER_NS PEER_NS"
container_netns() {
    local cns peer
    cns=$(new_netns) || exit 1
    peer=$(new_netns) || exit 1
    ip -n "$cns" link add eth0 type veth peer name peer0 netns "$peer" || fail "veth pair"
    ip -n "$peer" addr add "$net.1/24" dev peer0 && ip -n "$peer" link set peer0 up &&
        ip -n "$cns" addr add "$net.2/24" dev eth0 && ip -n "$cns" link set eth0 up &&
        ip -n "$cns" link set lo up && ip -n "$cns" route add default via "$net.1" ||
        fail "configuring the veth pair"
    echo "$cns $peer"
}

# guest_bundle NETNS MODE SCRIPT: a Linux-guest bundle in the netns /run/netns/NETNS
guest_bundle() {
    local b
    b=$(new_bundle net) || exit 1
    set_config "$b" '.annotations["runz.workload"] = "vm" | .annotations["runz.vm.network"] = $mode
        | .linux.namespaces |= map(if .type == "network" then {type:"network", path:$p} else . end)' \
        --arg p "/run/netns/$1" --arg mode "$2"
    set_sh "$b" "$3"
    echo "$b"
}

read -r cns peer < <(container_netns)
[[ -n ${peer:-} ]] || fail "could not make the netns pair"
b=$(guest_bundle "$cns" auto "ip -o -4 addr show; ip route; ping -c 1 -W 3 $net.1")
id=$(new_id)
SECONDS=0
run_cap rt --config "$config" run --bundle "$b" "$id"
log "Linux guest with a NIC: ${SECONDS}s; its output: $(echo "$OUT" | tr -d '\r' | grep -E 'inet |default|packets|round-trip' | tr '\n' '|')"
assert_eq 0 "$RC" "ping from the guest to the peer (stdout: $OUT, stderr: $ERR)"
assert_match "$OUT" "inet $net.2/24" "the guest has the container's address"
assert_contains "$OUT" "default via $net.1" "the guest's default route"
assert_contains "$OUT" "1 packets received" "ping reply"
# the address moved to the guest; the tap went with the VM
ip -n "$cns" -4 addr show dev eth0 | grep -q "$net.2" && fail "the veth kept the guest's address"
taps=$(ip -n "$cns" -o link show | grep -c ': tap') || true
assert_eq 0 "$taps" "taps left in the container's netns after the VM ended"
rt delete "$id" 2>/dev/null

# while the VM runs: the tap is the container's (named by its id), only the monitor holds
# CAP_NET_ADMIN (QEMU got the tap's fd and none of it), and SIGKILL takes the tap away
read -r cns3 peer3 < <(container_netns)
b=$(guest_bundle "$cns3" auto "sleep 60")
id=$(new_id)
tap=$(python3 -c 'import sys
h = 0xcbf29ce484222325
for c in sys.argv[1].encode(): h = ((h ^ c) * 0x100000001b3) % 2**64
print("tap" + ("%016x" % h)[:10])' "$id")
assert_ok rt --config "$config" create --bundle "$b" "$id"
assert_ok rt start "$id"
monitor=$(state_field "$id" pid)
for ((i = 0; i < 100; i++)); do
    qemu=$(cat "/proc/$monitor/task/$monitor/children" 2>/dev/null | awk '{print $1}')
    [[ -n $qemu ]] && ip -n "$cns3" link show "$tap" >/dev/null 2>&1 && break
    sleep 0.1
done
[[ -n $qemu ]] || fail "no VMM under the monitor $monitor"
ip -n "$cns3" link show "$tap" >/dev/null 2>&1 || fail "no tap $tap in the container's netns: $(ip -n "$cns3" -o link)"
net_caps=$(( (1 << 12) | (1 << 8) ))   # CAP_NET_ADMIN, CAP_SETPCAP
for set in CapEff CapPrm CapBnd CapAmb CapInh; do
    v=$(awk -v s="$set:" '$1 == s {print $2}' "/proc/$qemu/status")
    (( 0x$v & net_caps )) && fail "the VMM has CAP_NET_ADMIN or CAP_SETPCAP in $set ($v)"
done
v=$(awk '$1 == "CapEff:" {print $2}' "/proc/$monitor/status")
(( 0x$v & (1 << 12) )) || fail "the monitor lacks CAP_NET_ADMIN ($v)"
log "tap $tap; monitor $monitor CapEff $v; VMM $qemu ($(tr '\0' ' ' <"/proc/$qemu/cmdline" | grep -o -- '-netdev [^ ]*')) $(grep -E '^Cap(Eff|Bnd)' "/proc/$qemu/status" | tr -s '\t\n' '  ')"
assert_ok rt kill "$id" KILL
wait_status "$id" stopped 20
for ((i = 0; i < 50; i++)); do
    ip -n "$cns3" link show "$tap" >/dev/null 2>&1 || break
    sleep 0.1
done
ip -n "$cns3" link show "$tap" >/dev/null 2>&1 && fail "tap $tap outlived a VM killed by SIGKILL"
rt delete "$id" 2>/dev/null

# mode none: no NIC at all (only lo)
read -r cns2 peer2 < <(container_netns)
b=$(guest_bundle "$cns2" none "echo nics: \$(ls /sys/class/net); ping -c 1 -W 2 $net.1 && exit 9; exit 0")
id=$(new_id)
run_cap rt --config "$config" run --bundle "$b" "$id"
assert_eq 0 "$RC" "a guest with runz.vm.network=none must not reach the peer (stdout: $OUT, stderr: $ERR)"
assert_eq "nics: lo" "$(echo "$OUT" | tr -d '\r' | grep '^nics:')" "interfaces of a guest without a NIC"
ip -n "$cns2" -4 addr show dev eth0 | grep -q "$net.2" || fail "mode none took the veth's address"
rt delete "$id" 2>/dev/null

# mode tap with nothing to hand over: start fails with a message
empty=$(new_netns)
b=$(guest_bundle "$empty" tap "true")
id=$(new_id)
run_cap rt --config "$config" run --bundle "$b" "$id"
assert_ne 0 "$RC" "runz.vm.network=tap without an interface"
assert_contains "$ERR" "no interface to hand over" "message for runz.vm.network=tap without an interface"
rt delete --force "$id" 2>/dev/null

# the host's network namespace (none of its own, or joined by a path to runz's own) is never
# handed over: =tap fails create, before anything is touched (auto gives no NIC)
b=$(new_bundle hostnet)
set_config "$b" '.annotations["runz.workload"] = "vm" | .annotations["runz.vm.network"] = "tap"
    | .linux.namespaces |= map(select(.type != "network"))'
id=$(new_id)
assert_fail rt --config "$config" create --bundle "$b" "$id"
assert_contains "$ERR" "network namespace of the container's own" "=tap in the host's netns"
assert_no_leftovers "$id"
set_config "$b" '.linux.namespaces += [{type: "network", path: "/proc/self/ns/net"}]'
id=$(new_id)
assert_fail rt --config "$config" create --bundle "$b" "$id"
assert_contains "$ERR" "network namespace of the container's own" "=tap in runz's netns joined by path"
assert_no_leftovers "$id"
pass
