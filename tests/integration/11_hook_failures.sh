#!/bin/bash
# Hook failures during create: a failing prestart / createRuntime / createContainer hook
# makes create (and run) fail and leaves no state dir, process or mount; a hook that outlives
# its `timeout` is killed and create fails promptly.
# (startContainer failure: 12_hook_start_failure.sh; poststop failure: 13_hook_poststop_failure.sh)
. "$(dirname "$0")/lib.sh"

H="$T/hooks"; mkdir -p "$H"
sh_hook() {   # SCRIPT [TIMEOUT]: a /bin/sh -c hook carrying the marker env
    jq -n --arg s "$1" --arg m "$(marker_env)" --arg t "${2:-}" '
        {path: "/bin/sh", args: ["sh", "-c", $s], env: [$m]}
        + (if $t == "" then {} else {timeout: ($t | tonumber)} end)'
}

# ---- failing prestart / createRuntime / createContainer hook
for kind in createRuntime createContainer prestart; do
    b=$(new_bundle "$kind")
    set_sh "$b" 'echo ran > /tmp/ran'
    set_config "$b" ".hooks.$kind = [\$h]" --argjson h "$(sh_hook "echo $kind-ran > $H/$kind-fail; exit 3")"
    id=$(new_id "$kind")
    assert_fail rt create --bundle "$b" "$id"
    [[ -e $H/$kind-fail ]] || fail "the failing $kind hook never ran"
    [[ ! -e $b/rootfs/tmp/ran ]] || fail "container process ran although $kind hook failed"
    assert_no_leftovers "$id"
    assert_fail rt state "$id"
    # `run` behaves the same
    id=$(new_id "$kind-run")
    assert_fail rt run --bundle "$b" "$id"
    [[ ! -e $b/rootfs/tmp/ran ]] || fail "container process ran (run) although $kind hook failed"
    assert_no_leftovers "$id"
done

# ---- hook timeout: a prestart/createRuntime hook sleeping 60 s with timeout 1
for kind in prestart createRuntime; do
    b=$(new_bundle "timeout-$kind")
    set_config "$b" ".hooks.$kind = [\$h]" --argjson h "$(jq -n --arg m "$(marker_env)" \
        '{path: "/bin/sleep", args: ["sleep", "60"], env: [$m], timeout: 1}')"
    id=$(new_id "timeout-$kind")
    start=$(date +%s)
    assert_fail rt create --bundle "$b" "$id"
    took=$(($(date +%s) - start))
    [[ $took -le 15 ]] || fail "create with a 1 s $kind hook timeout took ${took}s"
    assert_no_leftovers "$id"       # includes: the sleeping hook was killed
done

pass
