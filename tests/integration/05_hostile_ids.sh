#!/bin/bash
# Hostile container ids ("../x", "a/b", ".", "..", "", 2000 chars, ...) are rejected by
# create/run/state/kill/delete and never touch a path outside --root.  A valid id that is
# merely long but under the usual bound still works.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_sh "$b" 'echo ran > /tmp/ran'
parent=$(dirname "$ROOT")                   # $T/state: --root lives inside it
# sentinels a naive runtime would create, overwrite or delete
mkdir -p "$parent/x" "$ROOT/a"
echo keep >"$parent/x/file"
echo keep >"$parent/sentinel"
echo keep >"$ROOT/a/file"                   # "a/b" must not land in or wipe $ROOT/a
snapshot() { (cd "$parent" && find . -printf '%p %y %s\n' | sort); }
before=$(snapshot)

long=$(printf 'a%.0s' $(seq 2000))
hostile=("../x" "a/b" "." ".." "$long" "" "../../../../../../tmp/${MARK}-escape" "x/../../y" "/abs" $'a\nb')
for id in "${hostile[@]}"; do
    track_id "$id"
    show=$(printf '%q' "${id:0:40}")
    run_cap rt create --bundle "$b" "$id"
    [[ $RC != 0 ]] || fail "create accepted hostile id $show"
    run_cap rt run --bundle "$b" "$id"
    [[ $RC != 0 ]] || fail "run accepted hostile id $show"
    [[ ! -e $b/rootfs/tmp/ran ]] || fail "a container ran for hostile id $show"
    run_cap rt state "$id"
    [[ $RC != 0 ]] || fail "state accepted hostile id $show: $OUT"
    run_cap rt kill "$id" KILL
    [[ $RC != 0 ]] || fail "kill accepted hostile id $show"
    run_cap rt start "$id"
    [[ $RC != 0 ]] || fail "start accepted hostile id $show"
    run_cap rt delete "$id"
    [[ $RC != 0 ]] || fail "delete accepted hostile id $show"
    # delete --force may exit 0 (runc ignores ids that do not exist) but must touch nothing
    run_cap rt delete --force "$id"
    [[ $(snapshot) == "$before" ]] ||
        fail "operations on hostile id $show changed files outside the container store: $(diff <(echo "$before") <(snapshot))"
done
[[ ! -e /tmp/${MARK}-escape ]] || { rm -rf "/tmp/${MARK}-escape"; fail "hostile id created /tmp/${MARK}-escape"; }
[[ ! -e $T/y ]] || fail "hostile id created $T/y"
assert_eq keep "$(cat "$parent/x/file")" "sentinel $parent/x/file"
assert_eq keep "$(cat "$ROOT/a/file")" "sentinel $ROOT/a/file"

# list must not show anything for the rejected ids
run_cap rt list -q
assert_eq "" "$(echo "$OUT" | grep -v '^a$')" "list -q after hostile ids"

# a reasonable id with the usual allowed characters works
id="${MARK}_ok-1.2+3"
track_id "$id"
assert_ok rt run --bundle "$b" "$id"
assert_eq ran "$(cat "$b/rootfs/tmp/ran" 2>/dev/null)" "container with id $id ran"
pass
