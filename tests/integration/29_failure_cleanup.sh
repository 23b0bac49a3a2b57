#!/bin/bash
# Failure paths of create and run leave nothing behind: invalid config.json, missing
# config.json, wrong JSON types, missing rootfs, nonexistent args[0], non-executable args[0],
# missing bind-mount source, unknown mount type, missing bundle dir.  After each: non-zero
# exit with a message, no state entry under --root, no process, no new mount on the host, no
# cgroup directory, `state` says the id does not exist, and the id can be reused.
. "$(dirname "$0")/lib.sh"

mounts0=$(new_mounts)
check_clean() {   # ID WHAT
    assert_no_leftovers "$1"
    assert_eq "$mounts0" "$(new_mounts)" "host mount table after: $2"
    run_cap rt state "$1"
    [[ $RC != 0 ]] || fail "state of the failed container succeeded after: $2"
    assert_icontains "$OUT$ERR" "does not exist" "state after: $2"
    [[ -z $(ls -A "$ROOT") ]] || fail "--root not empty after: $2: $(ls -A "$ROOT")"
}
try_fail() {   # BUNDLE WHAT: create and run must both fail cleanly
    local b=$1 what=$2 id
    for verb in create run; do
        id=$(new_id "$verb")
        run_cap rt $verb --bundle "$b" "$id"
        [[ $RC != 0 ]] || fail "$verb succeeded with $what"
        [[ $RC != 124 && $RC != 137 ]] || fail "$verb timed out with $what"
        [[ -n $ERR$OUT ]] || fail "$verb failed silently with $what"
        check_clean "$id" "$verb with $what"
        [[ ! -e $b/rootfs/tmp/ran ]] || fail "the container process ran with $what"
    done
    # no cgroup left for this bundle
    local cg; cg=$(jq -r '.linux.cgroupsPath // empty' "$b/config.json" 2>/dev/null)
    if [[ -n $cg ]]; then
        local d
        for d in /sys/fs/cgroup/*"$cg" /sys/fs/cgroup"$cg"; do
            [[ ! -d $d ]] || fail "cgroup $d left behind after $what"
        done
    fi
}

b=$(new_bundle badjson)
echo '{"ociVersion": "1.0.2", "process": {' >"$b/config.json"
try_fail "$b" "a truncated config.json"

b=$(new_bundle nojson)
rm "$b/config.json"
try_fail "$b" "no config.json"

b=$(new_bundle types)
set_config "$b" '.process.args = "not-an-array"'
try_fail "$b" "process.args of the wrong type"

b=$(new_bundle types2)
set_config "$b" '.process.user.uid = "root"'
try_fail "$b" "process.user.uid of the wrong type"

b=$(new_bundle norootfs)
rm -rf "$b/rootfs"
try_fail "$b" "a missing rootfs"

b=$(new_bundle rootfsfile)
rm -rf "$b/rootfs"; echo not-a-dir >"$b/rootfs"
try_fail "$b" "a rootfs that is a file"

b=$(new_bundle noexe)
set_args "$b" /bin/no-such-program-runz
try_fail "$b" "a nonexistent args[0] (absolute)"

b=$(new_bundle noexe2)
set_args "$b" no-such-program-runz
try_fail "$b" "a nonexistent args[0] (PATH lookup)"

b=$(new_bundle notexec)
printf 'just text\n' >"$b/rootfs/bin/notexec"; chmod 644 "$b/rootfs/bin/notexec"
set_args "$b" /bin/notexec
try_fail "$b" "a non-executable args[0]"

b=$(new_bundle emptyargs)
set_config "$b" '.process.args = []'
try_fail "$b" "empty process.args"

b=$(new_bundle nosrc)
set_config "$b" '.mounts += [{destination:"/mnt/x", type:"bind", source:$s, options:["bind"]}]' --arg s "$T/no-such-source"
try_fail "$b" "a missing bind-mount source"

b=$(new_bundle badfs)
set_config "$b" '.mounts += [{destination:"/mnt/x", type:"runzbogusfs", source:"none"}]'
try_fail "$b" "an unknown mount type"

b=$(new_bundle relcwd)
set_config "$b" '.process.cwd = "relative/cwd"'
try_fail "$b" "a relative process.cwd"

# a bundle directory that does not exist
id=$(new_id nobundle)
assert_fail rt create --bundle "$T/no-such-bundle" "$id"
check_clean "$id" "a missing bundle directory"

# the id of a failed create can be used again right away
b=$(new_bundle ok)
set_sh "$b" 'echo ran > /tmp/ran'
id=$(new_id reuse)
b2=$(new_bundle noexe3); set_args "$b2" /bin/no-such-program-runz
assert_fail rt create --bundle "$b2" "$id"
check_clean "$id" "a failed create before reuse"
assert_ok rt run --bundle "$b" "$id"
assert_eq ran "$(cat "$b/rootfs/tmp/ran" 2>/dev/null)" "container on a reused id"
pass
