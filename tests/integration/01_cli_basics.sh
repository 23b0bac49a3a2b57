#!/bin/bash
# --version, --help for every verb, `spec` (writes config.json, --bundle, --rootless,
# refuses to overwrite), `features` (OCI features.json with ociVersionMin/Max).
. "$(dirname "$0")/lib.sh"

# --version: exit 0, mentions "version"
assert_ok "$RUNTIME" --version
assert_icontains "$OUT" "version" "--version output"

# --help for every verb the issue lists: exit 0 and some text
for verb in create start run state kill delete list spec features; do
    run_cap "$RUNTIME" "$verb" --help
    assert_eq 0 "$RC" "exit status of '$verb --help' (stderr: $ERR)"
    [[ -n $OUT$ERR ]] || fail "'$verb --help' printed nothing"
done

# spec in the current directory
d="$T/spec-cwd"; mkdir -p "$d"
run_cap bash -c "cd '$d' && exec '$RUNTIME' spec"
assert_eq 0 "$RC" "spec exit status (stderr: $ERR)"
[[ -s $d/config.json ]] || fail "spec did not write $d/config.json"
jq -e . "$d/config.json" >/dev/null || fail "spec wrote invalid JSON"
assert_match "$(jq -r .ociVersion "$d/config.json")" '^1\.' "config.json ociVersion"
assert_eq "rootfs" "$(jq -r .root.path "$d/config.json")" "root.path"
assert_eq "array" "$(jq -r '.process.args|type' "$d/config.json")" "process.args type"
assert_eq "array" "$(jq -r '.mounts|type' "$d/config.json")" "mounts type"
assert_eq "array" "$(jq -r '.linux.namespaces|type' "$d/config.json")" "linux.namespaces type"
for ns in pid mount; do
    jq -e --arg t "$ns" '.linux.namespaces | map(.type) | index($t)' "$d/config.json" >/dev/null ||
        fail "default spec has no $ns namespace"
done

# spec refuses to overwrite an existing config.json, and leaves it alone
echo '{"sentinel": true}' >"$d/config.json"
run_cap bash -c "cd '$d' && exec '$RUNTIME' spec"
assert_ne 0 "$RC" "exit status of spec over an existing config.json"
assert_eq '{"sentinel": true}' "$(cat "$d/config.json")" "config.json after refused spec"

# spec --bundle DIR
d2="$T/spec-bundle"; mkdir -p "$d2"
assert_ok "$RUNTIME" spec --bundle "$d2"
jq -e .process "$d2/config.json" >/dev/null || fail "spec --bundle wrote no usable config.json"
assert_fail "$RUNTIME" spec --bundle "$d2"
# --bundle=DIR form
d3="$T/spec-bundle-eq"; mkdir -p "$d3"
assert_ok "$RUNTIME" spec --bundle="$d3"
[[ -s $d3/config.json ]] || fail "spec --bundle=DIR wrote nothing"

# spec --rootless: a user namespace with id mappings
d4="$T/spec-rootless"; mkdir -p "$d4"
assert_ok "$RUNTIME" spec --rootless --bundle "$d4"
jq -e '.linux.namespaces | map(.type) | index("user")' "$d4/config.json" >/dev/null ||
    fail "spec --rootless has no user namespace"
jq -e '.linux.uidMappings | length > 0' "$d4/config.json" >/dev/null || fail "spec --rootless has no uidMappings"
jq -e '.linux.gidMappings | length > 0' "$d4/config.json" >/dev/null || fail "spec --rootless has no gidMappings"

# features: JSON with ociVersionMin / ociVersionMax
assert_ok "$RUNTIME" features
echo "$OUT" | jq -e . >/dev/null || fail "features output is not JSON: $OUT"
assert_match "$(echo "$OUT" | jq -r .ociVersionMin)" '^1\.[0-9]+\.[0-9]+' "features.ociVersionMin"
assert_match "$(echo "$OUT" | jq -r .ociVersionMax)" '^1\.[0-9]+\.[0-9]+' "features.ociVersionMax"
# the hooks this build supports must include the ones the issue requires
for h in prestart createRuntime createContainer startContainer poststart poststop; do
    echo "$OUT" | jq -e --arg h "$h" '.hooks | index($h)' >/dev/null || fail "features.hooks lacks $h"
done
echo "$OUT" | jq -e '.linux.namespaces | index("pid") and index("mount") and index("network")' >/dev/null ||
    fail "features.linux.namespaces lacks pid/mount/network: $(echo "$OUT" | jq -c .linux.namespaces)"

pass
