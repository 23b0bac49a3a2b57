#!/bin/bash
# partition kind, failures on a simulated Jailhouse host: a jailhouse command failing in the
# middle of create (injected) is reported with the command and its message and leaves
# nothing (no cell, no allocation, no state dir); bad /boot/configuration.json files fail
# create naming the field; a bad [partition] in runz.toml fails naming the line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/partition_lib.sh"
jh_host

# assert_nothing_left ID: no cell, no allocation, no state dir
assert_nothing_left() {
    assert_eq 0 "$(cell_count)" "cells left after a failed create of $1"
    assert_eq 0 "$(alloc_count)" "allocations left after a failed create of $1"
    [[ ! -e $ROOT/$1 ]] || fail "state dir $ROOT/$1 left after a failed create"
}

# jailhouse failures mid-create: create, then load
for step in create:EBUSY:"Device or resource busy" load:EIO:"Input/output error"; do
    IFS=: read -r cmd errno msg <<<"$step"
    echo "$errno" >"$JH/inject/fail-$cmd"
    b=$(new_cell_bundle "PRINT=x")
    id=$(new_id)
    assert_fail rtc create --bundle "$b" "$id"
    assert_contains "$ERR" "jailhouse cell $cmd" "the failing command"
    assert_contains "$ERR" "JAILHOUSE_CELL_${cmd^^}: $msg" "the tool's message"
    assert_nothing_left "$id"
done
# a failing start (at `runz start`, in the monitor): the container stops non-zero
echo EIO >"$JH/inject/fail-start"
b=$(new_cell_bundle "PRINT=x")
id=$(new_id)
run_cap rtc run --bundle "$b" "$id"
[[ $RC -ne 0 ]] || fail "a failed cell start gave exit status 0"
assert_contains "$ERR" "jailhouse cell start --name $(cell_name "$id"): JAILHOUSE_CELL_START: Input/output error" "start failure"
assert_eq 0 "$(cell_count)" "cells after the failed run"

# bad boot configurations: each names the field
bad_boot() {   # JSON NEEDLE
    b=$(new_cell_bundle "PRINT=x")
    printf '%s\n' "$1" >"$b/rootfs/boot/configuration.json"
    id=$(new_id)
    assert_fail rtc create --bundle "$b" "$id"
    assert_contains "$ERR" "$2" "error for $1"
    assert_nothing_left "$id"
}
bad_boot '{"inmate": "/boot/missing.bin"}' 'inmate "/boot/missing.bin"'
bad_boot '{"inmate": "../../etc/passwd"}' 'inmate'
bad_boot '{"inmate": "/boot/boot.bin", "rpu_req": "yes"}' 'rpu_req'
bad_boot '{"inmate": "/boot/boot.bin", "starting_vaddress": 4096}' 'starting_vaddress'
bad_boot '{"inmate": "/boot/boot.bin", "starting_vaddress": "0xzz"}' 'starting_vaddress'
bad_boot '{"inmate": ' 'configuration.json'
# a bad annotation names it
b=$(new_cell_bundle "PRINT=x")
set_config "$b" '.annotations["runz.partition.memory"] = "12Q"'
id=$(new_id)
assert_fail rtc create --bundle "$b" "$id"
assert_contains "$ERR" "runz.partition.memory" "bad annotation"
assert_nothing_left "$id"

# a bad runz.toml: overlapping memory pools, named with the file and line
cp "$CONF" "$T/good.toml"
cat >>"$CONF" <<'TOML'

[[partition.memory_pool]]
name = "overlap"
start = 0x48000000
size = 0x10000000
TOML
line=$(grep -n 'name = "overlap"' "$CONF" | cut -d: -f1)
b=$(new_cell_bundle "PRINT=x")
id=$(new_id)
assert_fail rtc create --bundle "$b" "$id"
assert_contains "$ERR" "$CONF:" "the file"
assert_match "$ERR" "runz.toml:($((line - 1))|$line|$((line + 1)))" "the line of the overlapping pool"
assert_contains "$ERR" "overlaps" "what is wrong"
assert_nothing_left "$id"
cp "$T/good.toml" "$CONF"

# the hypervisor disabled
"$T/bin/jailhouse" disable || fail "jailhouse disable"
b=$(new_cell_bundle "PRINT=x")
id=$(new_id)
assert_fail rtc create --bundle "$b" "$id"
assert_contains "$ERR" "not enabled" "disabled hypervisor"
assert_nothing_left "$id"

# runz.workload=partition on a host without [partition]
: >"$CONF"
b=$(new_cell_bundle "PRINT=x")
set_config "$b" '.annotations["runz.workload"] = "partition"'
id=$(new_id)
assert_fail rtc create --bundle "$b" "$id"
assert_contains "$ERR" "no partitioning backend" "no [partition]"
[[ ! -e $ROOT/$id ]] || fail "state dir left"
pass
