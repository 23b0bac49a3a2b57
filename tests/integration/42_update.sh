#!/bin/bash
# update: runc's individual flags (--memory with units, --memory-swap, --memory-reservation,
# --cpu-quota/--cpu-period/--cpu-share, --cpuset-cpus, --pids-limit) and a LinuxResources
# document (--resources FILE, --resources=FILE, --resources - on stdin) change the limits
# of a running (or paused) container in its cgroup; the device rules stay as they were;
# bad values, Intel RDT flags and an update of a stopped container fail.
# Same results under runc 1.1.5 (RUNTIME=/usr/sbin/runc), except where a NOTE says.
. "$(dirname "$0")/lib.sh"

if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    layout=v2
else
    layout=v1
    for c in memory cpu cpuset pids; do
        [[ -d /sys/fs/cgroup/$c ]] || skip "no v1 $c hierarchy at /sys/fs/cgroup/$c"
    done
fi
is_runc=0; [[ $(basename "$RUNTIME") == runc ]] && is_runc=1

b=$(new_bundle)
cg=$(jq -r .linux.cgroupsPath "$b/config.json")
set_config "$b" '.linux.resources.memory = {"limit": 268435456} | .linux.resources.pids = {"limit": 100}
                 | .linux.resources.cpu = {"shares": 512}'
set_sh "$b" 'echo ready > /tmp/ready; sleep 600'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"

# cgfile CONTROLLER FILE: the file of the container's cgroup for a v1 controller (or on v2)
cgfile() { if [[ $layout == v1 ]]; then cat "/sys/fs/cgroup/$1$cg/$2"; else cat "/sys/fs/cgroup$cg/$2"; fi; }
mem_limit() { if [[ $layout == v1 ]]; then cgfile memory memory.limit_in_bytes; else cgfile memory memory.max; fi; }
pids_max() { cgfile pids pids.max; }
devices_before=
[[ $layout == v1 && -d /sys/fs/cgroup/devices ]] && devices_before=$(cgfile devices devices.list)

assert_eq 268435456 "$(mem_limit)" "memory limit from create"

# memory with units
assert_ok rt update --memory 128m "$id"
assert_eq 134217728 "$(mem_limit)" "--memory 128m"
assert_ok rt update --memory 1g "$id"
assert_eq 1073741824 "$(mem_limit)" "--memory 1g"
assert_ok rt update --memory-reservation 100M "$id"
if [[ $layout == v1 ]]; then
    assert_eq 104857600 "$(cgfile memory memory.soft_limit_in_bytes)" "--memory-reservation"
else
    assert_eq 104857600 "$(cgfile memory memory.low)" "--memory-reservation (memory.low)"
fi

# memory and swap together, both orders (raise, then lower below the old memsw limit)
if [[ $layout == v2 || -f /sys/fs/cgroup/memory$cg/memory.memsw.limit_in_bytes ]]; then
    assert_ok rt update --memory 512m --memory-swap 1g "$id"
    assert_eq 536870912 "$(mem_limit)" "--memory with --memory-swap"
    if [[ $layout == v1 ]]; then
        assert_eq 1073741824 "$(cgfile memory memory.memsw.limit_in_bytes)" "--memory-swap (memsw)"
    else
        assert_eq 536870912 "$(cgfile memory memory.swap.max)" "--memory-swap (swap.max = swap - memory)"
    fi
    assert_ok rt update --memory 2g --memory-swap 3g "$id"
    assert_eq 2147483648 "$(mem_limit)" "raising memory above the old swap limit"
    assert_ok rt update --memory 256m --memory-swap 512m "$id"
    assert_eq 268435456 "$(mem_limit)" "lowering memory and swap"
    # -1: unlimited memory, and unlimited swap with it
    assert_ok rt update --memory -1 "$id"
    if [[ $layout == v1 ]]; then
        [[ $(mem_limit) -ge 9223372036854000000 ]] || fail "--memory -1 did not lift the limit: $(mem_limit)"
        [[ $(cgfile memory memory.memsw.limit_in_bytes) -ge 9223372036854000000 ]] || fail "--memory -1 did not lift memsw"
    else
        assert_eq max "$(mem_limit)" "--memory -1"
    fi
else
    log "no swap accounting (memory.memsw.*): skipping the swap updates"
fi

# pids
assert_ok rt update --pids-limit 50 "$id"
assert_eq 50 "$(pids_max)" "--pids-limit 50"
assert_ok rt update --pids-limit -1 "$id"
assert_eq max "$(pids_max)" "--pids-limit -1"

# cpu
assert_ok rt update --cpu-quota 20000 --cpu-period 100000 "$id"
if [[ $layout == v1 ]]; then
    assert_eq 20000 "$(cgfile cpu cpu.cfs_quota_us)" "--cpu-quota"
    assert_eq 100000 "$(cgfile cpu cpu.cfs_period_us)" "--cpu-period"
else
    assert_eq "20000 100000" "$(cgfile cpu cpu.max)" "--cpu-quota --cpu-period"
fi
# the period alone keeps the quota (cpu.max holds both on v2)
assert_ok rt update --cpu-period 50000 "$id"
if [[ $layout == v1 ]]; then
    assert_eq 50000 "$(cgfile cpu cpu.cfs_period_us)" "--cpu-period alone"
    assert_eq 20000 "$(cgfile cpu cpu.cfs_quota_us)" "quota kept"
else
    assert_eq "20000 50000" "$(cgfile cpu cpu.max)" "--cpu-period alone keeps the quota"
fi
assert_ok rt update --cpu-share 256 "$id"
if [[ $layout == v1 ]]; then
    assert_eq 256 "$(cgfile cpu cpu.shares)" "--cpu-share"
else
    assert_eq 10 "$(cgfile cpu cpu.weight)" "--cpu-share 256 as cpu.weight"
fi
assert_ok rt update --cpuset-cpus 0 --cpuset-mems 0 "$id"
assert_eq 0 "$(cgfile cpuset cpuset.cpus)" "--cpuset-cpus"

# a document: from a file, with --resources=FILE, and on stdin
echo '{"memory": {"limit": 201326592}, "pids": {"limit": 77}}' >"$T/r1.json"
assert_ok rt update --resources "$T/r1.json" "$id"
assert_eq 201326592 "$(mem_limit)" "--resources FILE memory"
assert_eq 77 "$(pids_max)" "--resources FILE pids"
echo '{"pids": {"limit": 78}}' >"$T/r2.json"
assert_ok rt update --resources="$T/r2.json" "$id"
assert_eq 78 "$(pids_max)" "--resources=FILE"
echo '{"pids": {"limit": 79}, "cpu": {"shares": 300}}' |
    timeout 30 "$RUNTIME" --root "$ROOT" update --resources - "$id" || fail "update --resources - failed"
assert_eq 79 "$(pids_max)" "--resources - (stdin)"
echo '{"pids": {"limit": 80}}' | timeout 30 "$RUNTIME" --root "$ROOT" update -r - "$id" || fail "update -r - failed"
assert_eq 80 "$(pids_max)" "-r -"

# a document with the container's own device list (as containerd sends the whole
# LinuxResources) keeps the devices working (runc ignores devices in update documents)
echo '{"devices": [{"allow": false, "access": "rwm"}], "pids": {"limit": 81}}' >"$T/r3.json"
assert_ok rt update --resources "$T/r3.json" "$id"
assert_eq 81 "$(pids_max)" "document with devices"

# the device rules are untouched, and /dev/null still works in the container
if [[ -n $devices_before ]]; then
    assert_eq "$devices_before" "$(cgfile devices devices.list)" "device rules after the updates"
fi
run_cap rt exec "$id" sh -c 'echo x > /dev/null && echo null-ok'
assert_contains "$OUT" null-ok "/dev/null after the updates"

# a paused container can be updated too
assert_ok rt pause "$id"
assert_ok rt update --pids-limit 60 "$id"
assert_eq 60 "$(pids_max)" "update while paused"
assert_ok rt resume "$id"

# bad values fail and change nothing
assert_fail rt update --memory abc "$id"
assert_contains "$ERR" memory "error names the flag"
assert_fail rt update --cpu-quota abc "$id"
assert_contains "$ERR" cpu-quota "error names the flag"
assert_fail rt update --pids-limit lots "$id"
assert_eq 60 "$(pids_max)" "pids.max after failed updates"
echo '{"memory": {"limit": "lots"}}' >"$T/bad.json"
assert_fail rt update --resources "$T/bad.json" "$id"
assert_fail rt update --resources "$T/does-not-exist.json" "$id"
assert_fail rt update --l3-cache-schema "L3:0=f" "$id"
assert_icontains "$ERR" "l3" "--l3-cache-schema error"
assert_fail rt update --mem-bw-schema "MB:0=50" "$id"
assert_icontains "$ERR" "m" "--mem-bw-schema error"
# NOTE: runc passes --blkio-weight 5 on to the kernel, whose BFQ weight (1-1000) takes it;
# runz keeps runc's documented range, 10 to 1000, and refuses it.
[[ $is_runc == 1 ]] || assert_fail rt update --blkio-weight 5 "$id"
assert_fail rt update --memory 1g nosuchcontainer-$$

# a stopped container cannot be updated
assert_ok rt kill "$id" KILL
wait_status "$id" stopped
assert_fail rt update --memory 1g "$id"
assert_ok rt delete "$id"
assert_no_leftovers "$id"
pass
