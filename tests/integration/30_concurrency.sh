#!/bin/bash
# Container store concurrency: N parallel creates of one id -> exactly one wins and the
# store stays consistent; parallel creates/starts/deletes of different ids all succeed;
# racing `delete --force` calls on one id leave no state, process or mount behind.
. "$(dirname "$0")/lib.sh"

N=6
b=$(new_bundle)
set_args "$b" sleep 600

# ---- same id, N parallel creates
id=$(new_id same)
for i in $(seq $N); do
    ( rt create --bundle "$b" "$id" >"$T/same.$i.out" 2>&1; echo $? >"$T/same.$i.rc" ) &
done
wait
ok=0
for i in $(seq $N); do [[ $(cat "$T/same.$i.rc") == 0 ]] && ok=$((ok + 1)); done
assert_eq 1 "$ok" "number of successful parallel creates of one id"
s=$(state_json "$id")
assert_eq created "$(echo "$s" | jq -r .status)" "status of the winner"
pid=$(echo "$s" | jq -r .pid)
[[ -d /proc/$pid ]] || fail "winner's init $pid is not alive"
# only the winner's init exists: exactly one runtime init process in the bundle cgroup
n=$(cgroup_pids | wc -l)
assert_eq 1 "$n" "processes in the container cgroup after the race"
assert_ok rt start "$id"
wait_status "$id" running
assert_ok rt delete --force "$id"
assert_no_leftovers "$id"

# ---- different ids in parallel: all succeed and never block each other
ids=()
for i in $(seq $N); do
    bi=$(new_bundle "p$i"); set_args "$bi" sleep 600
    idi=$(new_id "p$i"); ids+=("$idi")
    ( rt run --detach --bundle "$bi" "$idi" >"$T/par.$i.out" 2>&1; echo $? >"$T/par.$i.rc" ) &
done
wait
for i in $(seq $N); do
    assert_eq 0 "$(cat "$T/par.$i.rc")" "parallel run --detach #$i ($(cat "$T/par.$i.out"))"
done
for idi in "${ids[@]}"; do assert_eq running "$(state_field "$idi" status)" "status of $idi"; done
assert_eq "$(printf '%s\n' "${ids[@]}" | sort)" "$(rt list -q | sort)" "list -q after parallel runs"
# parallel kills and deletes of different ids
for idi in "${ids[@]}"; do ( rt delete --force "$idi" >/dev/null 2>&1; echo $? >"$T/del.$idi.rc" ) & done
wait
for idi in "${ids[@]}"; do
    assert_eq 0 "$(cat "$T/del.$idi.rc")" "parallel delete --force of $idi"
    assert_no_leftovers "$idi"
done

# ---- racing delete --force / kill / state on one id
id=$(new_id race)
assert_ok rt run --detach --bundle "$b" "$id"
for i in $(seq $N); do
    ( rt delete --force "$id" >/dev/null 2>&1 ) &
    ( rt kill "$id" KILL >/dev/null 2>&1 ) &
    ( rt state "$id" >/dev/null 2>&1 ) &
done
wait
assert_fail rt state "$id"
assert_no_leftovers "$id"
[[ -z $(ls -A "$ROOT") ]] || fail "--root not empty after the races: $(ls -A "$ROOT")"
pass
