#!/bin/bash
# linux.resources: limits are written to the container's cgroup before its process runs
# (memory, cpu, cpuset, pids, devices, hugetlb on this host's cgroup2 part), the device
# rules are enforced, and a bad or unsatisfiable document fails create naming the field,
# leaving nothing behind.
. "$(dirname "$0")/lib.sh"

layout=v1
[ -f /sys/fs/cgroup/cgroup.controllers ] && layout=v2
b=$(new_bundle)
cg=$(jq -r .linux.cgroupsPath "$b/config.json")
set_config "$b" '.linux.resources = {
  "memory": {"limit": 67108864, "reservation": 33554432},
  "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
  "pids": {"limit": 42},
  "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]}'
set_sh "$b" 'echo hi > /dev/null && echo null-ok; head -c1 /dev/zero >/dev/null 2>&1 && echo zero-ok; echo ready > /tmp/ready; sleep 600'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
if [ $layout = v1 ]; then
    assert_eq 67108864 "$(cat /sys/fs/cgroup/memory$cg/memory.limit_in_bytes)" "memory limit"
    assert_eq 512 "$(cat /sys/fs/cgroup/cpu$cg/cpu.shares)" "cpu shares"
    assert_eq 50000 "$(cat /sys/fs/cgroup/cpu$cg/cpu.cfs_quota_us)" "cpu quota"
    assert_eq 0 "$(cat /sys/fs/cgroup/cpuset$cg/cpuset.cpus)" "cpuset"
    assert_eq 42 "$(cat /sys/fs/cgroup/pids$cg/pids.max)" "pids limit"
    assert_contains "$(cat /sys/fs/cgroup/devices$cg/devices.list)" "c 1:3 rwm" "device allow rule"
    out=$(cat "$b/rootfs/tmp/ready"; cat /proc/$(state_field "$id" pid)/cgroup)
else
    assert_eq 67108864 "$(cat /sys/fs/cgroup$cg/memory.max)" "memory.max"
    assert_eq "50000 100000" "$(cat /sys/fs/cgroup$cg/cpu.max)" "cpu.max"
    assert_eq 42 "$(cat /sys/fs/cgroup$cg/pids.max)" "pids.max"
fi
run_cap rt exec "$id" sh -c 'echo x > /dev/null && echo null-ok'
assert_contains "$OUT" null-ok "an allowed device works"
assert_ok rt delete --force "$id"

# A limit the kernel refuses, a wrong type and an unknown value all fail create cleanly.
for doc in '{"memory": {"limit": "lots"}}' '{"pids": {"limit": 5}, "cpu": {"cpus": "9999"}}' '{"blockIO": {"weight": 5000}}'; do
    b2=$(new_bundle)
    set_config "$b2" ".linux.resources = $doc"
    id2=$(new_id)
    run_cap rt create --bundle "$b2" "$id2"
    assert_ne 0 "$RC" "create with resources $doc fails"
    assert_contains "$ERR" "linux.resources." "the error names the field ($doc)"
    assert_no_leftovers "$id2"
done
pass
