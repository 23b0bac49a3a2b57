#!/bin/bash
# list: table (header + one row per container), --format json (array of objects with id,
# pid, status, bundle, created), -q (ids only); empty store.
. "$(dirname "$0")/lib.sh"

# empty store: table has at most the header, json is [] or null, -q prints nothing
assert_ok rt list
[[ $(echo "$OUT" | grep -c .) -le 1 ]] || fail "list of an empty store printed rows: $OUT"
assert_ok rt list --format json
[[ $OUT == "[]" || $OUT == "null" || -z $OUT ]] || fail "list --format json of an empty store: '$OUT'"
assert_ok rt list -q
assert_eq "" "$OUT" "list -q of an empty store"

b=$(new_bundle)
set_args "$b" sleep 600
bs=$(new_bundle stopped)
set_args "$bs" true
idc=$(new_id created)
idr=$(new_id running)
ids=$(new_id stopped)
assert_ok rt create --bundle "$b" "$idc"
b2=$(new_bundle)
set_args "$b2" sleep 600
assert_ok rt run --detach --bundle "$b2" "$idr"
assert_ok rt create --bundle "$bs" "$ids"
assert_ok rt start "$ids"
wait_status "$ids" stopped
wait_status "$idr" running

# table
assert_ok rt list
table=$OUT
header=$(echo "$table" | head -1)
for col in ID PID STATUS BUNDLE CREATED; do assert_contains "$header" "$col" "list header"; done
row() { echo "$table" | awk -v id="$1" '$1 == id'; }
assert_match "$(row "$idc")" "created" "list row of $idc"
assert_match "$(row "$idr")" "running" "list row of $idr"
assert_match "$(row "$ids")" "stopped" "list row of $ids"
assert_contains "$(row "$idr")" "$b2" "bundle in list row of $idr"
assert_eq 3 "$(echo "$table" | tail -n +2 | grep -c .)" "number of rows in list"

# --format json (and --format=json, -f json)
for form in "--format json" "--format=json" "-f json"; do
    # shellcheck disable=SC2086
    assert_ok rt list $form
    echo "$OUT" | jq -e 'type == "array" and length == 3' >/dev/null || fail "list $form: not an array of 3: $OUT"
    assert_eq created "$(echo "$OUT" | jq -r --arg id "$idc" '.[] | select(.id == $id) | .status')" "list $form status of $idc"
    assert_eq running "$(echo "$OUT" | jq -r --arg id "$idr" '.[] | select(.id == $id) | .status')" "list $form status of $idr"
    assert_eq stopped "$(echo "$OUT" | jq -r --arg id "$ids" '.[] | select(.id == $id) | .status')" "list $form status of $ids"
    assert_eq "$b2" "$(echo "$OUT" | jq -r --arg id "$idr" '.[] | select(.id == $id) | .bundle')" "list $form bundle of $idr"
    assert_eq "$(state_field "$idr" pid)" "$(echo "$OUT" | jq -r --arg id "$idr" '.[] | select(.id == $id) | .pid')" "list $form pid of $idr"
    assert_match "$(echo "$OUT" | jq -r --arg id "$idr" '.[] | select(.id == $id) | .created')" '^[0-9]{4}-' "list $form created of $idr"
done

# -q: just the ids
assert_ok rt list -q
assert_eq "$(printf '%s\n' "$idc" "$idr" "$ids" | sort)" "$(echo "$OUT" | sort)" "list -q"

# deleted containers disappear from the list
assert_ok rt delete "$ids"
assert_ok rt list -q
assert_eq "$(printf '%s\n' "$idc" "$idr" | sort)" "$(echo "$OUT" | sort)" "list -q after delete"
pass
