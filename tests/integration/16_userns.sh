#!/bin/bash
# User namespace with uid/gid mappings: the process is root inside, its uid_map/gid_map are
# the configured ones, host-side it runs as the mapped uid, and the host's user ns differs.
# The rootfs is chowned to the mapped range so the container can use it.
. "$(dirname "$0")/lib.sh"
[[ -e /proc/self/ns/user ]] || skip "kernel without user namespaces"

base=200000
b=$(new_bundle)
chown -R "$base:$base" "$b/rootfs"
set_config "$b" '.linux.namespaces += [{type:"user"}]
    | .linux.uidMappings = [{containerID:0, hostID:$base, size:65536}]
    | .linux.gidMappings = [{containerID:0, hostID:$base, size:65536}]
    | .mounts |= map(select(.type != "cgroup"))' --argjson base "$base"
set_sh "$b" 'echo "id=$(id -u):$(id -g)"; echo "uidmap=$(cat /proc/self/uid_map | tr -s " " | sed "s/^ //")"; echo "gidmap=$(cat /proc/self/gid_map | tr -s " " | sed "s/^ //")"; echo "userns=$(readlink /proc/self/ns/user)"; touch /tmp/written && echo write=ok; echo ready > /tmp/ready; exec sleep 600'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
pid=$(state_field "$id" pid)
# host view of the container process
huid=$(awk '/^Uid:/{print $2}' "/proc/$pid/status")
assert_eq "$base" "$huid" "host uid of the container's root"
assert_eq "0 $base 65536" "$(tr -s ' ' <"/proc/$pid/uid_map" | sed 's/^ //')" "uid_map"
assert_eq "0 $base 65536" "$(tr -s ' ' <"/proc/$pid/gid_map" | sed 's/^ //')" "gid_map"
assert_ne "$(readlink /proc/self/ns/user)" "$(readlink "/proc/$pid/ns/user")" "user namespace"
assert_eq "$base" "$(stat -c %u "$b/rootfs/tmp/written")" "host owner of a file the container created"
assert_ok rt delete --force "$id"
pass
