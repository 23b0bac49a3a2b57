#!/bin/bash
# partition kind on a simulated Jailhouse host (tests/sim/jailhouse): an image with runPHI's
# /boot/configuration.json becomes a cell. create makes and loads the cell (state "shut
# down"), start runs it, the hypervisor console reaches the container's stdout, and the
# cell's end is the container's: "shut down" -> 0, "failed" -> non-zero. delete gives back
# the cell and its resources.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/partition_lib.sh"
jh_host

# create: a loaded cell, not started; the container is "created"
b=$(new_cell_bundle "PRINT=hello from the cell" greeting-from-args EXIT=0 DELAY=400)
id=$(new_id)
assert_ok rtc create --bundle "$b" "$id"
assert_eq created "$(state_field "$id" status)" "status after create"
assert_eq partition "$(jq -r .kind "$ROOT/$id/state.json")" "recorded kind"
assert_eq "shut down" "$(cell_field "$id" state)" "the cell after create"
[[ -s $ROOT/$id/$id.cell ]] || fail "no cell config at $ROOT/$id/$id.cell"
assert_eq 1 "$(alloc_count)" "allocations after create"
# start: the cell runs, then ends by itself (EXIT=0) and the container stops with 0
assert_ok rtc start "$id"
wait_cell "$id" running
assert_eq running "$(state_field "$id" status)" "status after start"
wait_status "$id" stopped 10
assert_eq "shut down" "$(cell_field "$id" state)" "the cell after EXIT=0"
assert_ok rtc delete "$id"
assert_eq 0 "$(cell_count)" "cells after delete"
assert_eq 0 "$(alloc_count)" "allocations after delete"
assert_no_leftovers "$id"

# run in the foreground: the console on stdout, the exit status of the cell
b=$(new_cell_bundle "PRINT=hello from the cell" greeting-from-args EXIT=0)
id=$(new_id)
run_cap rtc run --bundle "$b" "$id"
assert_eq 0 "$RC" "exit status of a cell that shut down (stderr: $ERR)"
assert_contains "$OUT" "cell $(cell_name "$id"): greeting-from-args EXIT=0" "the -s string on the console"
assert_contains "$OUT" "cell $(cell_name "$id"): hello from the cell" "the image's output on the console"
assert_contains "$OUT" "Started cell \"$(cell_name "$id")\"" "the hypervisor's lines"
# run deletes the container once it exited: the cell and its resources are gone
assert_eq 0 "$(cell_count)" "cells after run"
assert_eq 0 "$(alloc_count)" "allocations after run"

# a cell that fails (EXIT=3): non-zero, with a message on stderr
b=$(new_cell_bundle "EXIT=3 DELAY=50")
id=$(new_id)
run_cap rtc run --keep --bundle "$b" "$id"
[[ $RC -ne 0 ]] || fail "a failed cell gave exit status 0"
assert_contains "$ERR" "failed" "stderr names the failure"
assert_eq failed "$(cell_field "$id" state)" "the cell's state"
assert_ok rtc delete "$id"

# injected failure of a running cell
b=$(new_cell_bundle "PRINT=spinning")
id=$(new_id)
echo 100 >"$JH/inject/fail-cell-$id"
run_cap rtc run --bundle "$b" "$id"
[[ $RC -ne 0 ]] || fail "an injected cell failure gave exit status 0"
assert_contains "$OUT" "failed (injected)" "console of the failed cell"
rm -f "$JH/inject/fail-cell-$id"

# a long container id: the cell name is derived (31 bytes at most), state/list still work
b=$(new_cell_bundle "PRINT=long")
id=$(new_id "a-very-long-container-id-made-to-exceed-the-cell-name-limit")
assert_ok rtc create --bundle "$b" "$id"
n=$(cat "$JH_SYSFS"/cells/1/name)
[[ ${#n} -le 31 ]] || fail "cell name longer than 31 bytes: $n"
assert_eq "$(cell_name "$id")" "$n" "the cell name derived from the id"
assert_contains "$(rtc list)" "$id" "list"
assert_ok rtc delete --force "$id"
assert_eq 0 "$(cell_count)" "cells after delete --force"
assert_eq 0 "$(alloc_count)" "allocations at the end"
pass
