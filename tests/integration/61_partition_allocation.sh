#!/bin/bash
# partition kind, allocation on a simulated Jailhouse host: three containers side by side
# get distinct CPUs and disjoint memory (as the simulator's cells and the allocation file
# show), a fourth is refused with what it asked and what is free; kill TERM shuts the cell
# down (exit 143), kill KILL destroys it at once, delete gives everything back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/partition_lib.sh"
jh_host

ids=()
for i in 1 2 3; do
    b=$(new_cell_bundle "PRINT=cell $i")
    id=$(new_id)
    assert_ok rtc create --bundle "$b" "$id"
    ids+=("$id")
done
assert_eq 3 "$(cell_count)" "cells"
assert_eq 3 "$(alloc_count)" "allocations"
# CPUs: 1, 2, 3, one each, none shared; the root cell keeps CPU 0
cpus=$(for id in "${ids[@]}"; do cell_field "$id" cpus_assigned_list; done | sort | tr '\n' ' ')
assert_eq "1 2 3 " "$cpus" "the cells' CPUs"
assert_eq 0 "$(cat "$JH_SYSFS/cells/0/cpus_assigned_list")" "the root cell's CPUs"
# memory: disjoint blocks inside the pool
jq -r '.allocations[] | "\(.memory.start) \(.memory.size)"' "$ROOT/partition-allocations.json" | sort -n >"$T/mem"
python3 - "$T/mem" <<'PY' || fail "memory blocks overlap or leave the pool: $(cat "$T/mem")"
import sys
blocks = [tuple(int(x, 0) for x in l.split()) for l in open(sys.argv[1])]
blocks.sort()
assert len(blocks) == 3
for (a, asz), (b, _) in zip(blocks, blocks[1:]):
    assert a + asz <= b
for a, sz in blocks:
    assert 0x40000000 <= a and a + sz <= 0x50000000
PY
# a fourth is refused: no CPU is left
b=$(new_cell_bundle "PRINT=cell 4")
id4=$(new_id)
assert_fail rtc create --bundle "$b" "$id4"
assert_contains "$ERR" "cannot allocate 1 CPU" "what was asked"
assert_contains "$ERR" "free" "what is free"
assert_eq 3 "$(cell_count)" "cells after the refusal"
assert_eq 3 "$(alloc_count)" "allocations after the refusal"
[[ ! -e $ROOT/$id4 ]] || fail "state dir of the refused container left"
# too much memory is refused naming the size and the largest free block
b=$(new_cell_bundle "PRINT=big")
set_config "$b" '.annotations["runz.partition.memory"] = "1G"'
rtc delete --force "${ids[2]}" >/dev/null
id5=$(new_id)
assert_fail rtc create --bundle "$b" "$id5"
assert_contains "$ERR" "cannot allocate 1 GiB of memory: largest free block is" "memory refusal"
ids=("${ids[0]}" "${ids[1]}")

# kill TERM: the monitor shuts the cell down, the container stops with 143
assert_ok rtc start "${ids[0]}"
wait_cell "${ids[0]}" running
assert_ok rtc kill "${ids[0]}" TERM
wait_status "${ids[0]}" stopped 10
assert_eq "shut down" "$(cell_field "${ids[0]}" state)" "cell after kill TERM"
# kill KILL: the cell is destroyed with its init
assert_ok rtc start "${ids[1]}"
wait_cell "${ids[1]}" running
assert_ok rtc kill "${ids[1]}" KILL
wait_status "${ids[1]}" stopped 10
assert_eq "" "$(cell_field "${ids[1]}" state)" "cell after kill KILL"
for id in "${ids[@]}"; do assert_ok rtc delete "$id"; done
assert_eq 0 "$(cell_count)" "cells after delete"
assert_eq 0 "$(alloc_count)" "allocations after delete"
assert_eq 0-3 "$(cat "$JH_SYSFS/cells/0/cpus_assigned_list")" "the root cell has every CPU back"

# the exit status after kill TERM, in the foreground
b=$(new_cell_bundle "PRINT=spin")
id=$(new_id)
rtc run --bundle "$b" "$id" >"$T/run.out" 2>"$T/run.err" &
runpid=$!
wait_cell "$id" running
rtc kill "$id" TERM
wait "$runpid"; rc=$?
assert_eq 143 "$rc" "exit status after kill TERM (stderr: $(cat "$T/run.err"))"
assert_eq 0 "$(cell_count)" "cells after run"
# crash recovery: a container whose runz state vanished (its init killed behind runz's back,
# its state dir removed) leaves a cell and an allocation; the next create destroys the cell
# and frees its resources, and a cell destroyed outside runz frees its allocation
b=$(new_cell_bundle "PRINT=orphan")
orphan=$(new_id)
assert_ok rtc create --bundle "$b" "$orphan"
kill -9 "$(state_field "$orphan" pid)"
rm -rf "${ROOT:?}/$orphan"
b=$(new_cell_bundle "PRINT=gone")
gone=$(new_id)
assert_ok rtc create --bundle "$b" "$gone"
"$T/bin/jailhouse" cell destroy --name "$(cell_name "$gone")" || fail "jailhouse cell destroy"
b=$(new_cell_bundle "PRINT=next")
id=$(new_id)
assert_ok rtc create --bundle "$b" "$id"
assert_eq "" "$(cell_field "$orphan" state)" "the orphan's cell is destroyed"
assert_eq 1 "$(cell_count)" "cells: only the new one"
assert_eq 1 "$(alloc_count)" "allocations: the new container's only"
assert_ok rtc delete --force "$gone"
assert_ok rtc delete --force "$id"
assert_eq 0 "$(alloc_count)" "allocations at the end"
pass
