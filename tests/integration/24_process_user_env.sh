#!/bin/bash
# process: user uid/gid/additionalGids/umask (ids, supplementary groups, file modes), cwd,
# env (values with spaces, empty values), args passed verbatim, PATH lookup of args[0],
# a missing cwd. (A nonexistent args[0]: 29_failure_cleanup.sh.)
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
mkdir -p "$b/rootfs/work"
chmod 1777 "$b/rootfs/work"
set_config "$b" '.process.user = {uid:1000, gid:1000, additionalGids:[10, 100], umask:23}
    | .process.cwd = "/work"
    | .process.env += ["FOO=bar", "WITH_SPACE=a b  c", "EMPTY=", "PATH=/usr/bin:/bin"]'
set_args "$b" sh -c '
echo "uid=$(id -u)"; echo "gid=$(id -g)"; echo "euid=$(awk "/^Uid:/{print \$3}" /proc/self/status)"
echo "groups=$(awk "/^Groups:/{\$1=\"\"; print}" /proc/self/status | xargs)"
echo "umask=$(umask)"
touch f; mkdir d
echo "fmode=$(stat -c %a f)"; echo "dmode=$(stat -c %a d)"
echo "fowner=$(stat -c %u:%g f)"
echo "pwd=$(pwd)"
echo "foo=$FOO"; echo "space=[$WITH_SPACE]"; echo "empty=[${EMPTY-unset}]"
echo "argc=$#"; echo "arg1=[$1]"; echo "arg2=[$2]"' argv0 'first arg' '*'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
get() { echo "$OUT" | sed -n "s/^$1=//p"; }
assert_eq 1000 "$(get uid)" "uid"
assert_eq 1000 "$(get gid)" "gid"
assert_eq 1000 "$(get euid)" "effective uid"
assert_eq "10 100" "$(get groups)" "supplementary groups (additionalGids)"
assert_eq 0027 "$(get umask)" "umask"
assert_eq 640 "$(get fmode)" "mode of a new file under umask 027"
assert_eq 750 "$(get dmode)" "mode of a new directory under umask 027"
assert_eq 1000:1000 "$(get fowner)" "owner of a new file"
assert_eq 1000:1000 "$(stat -c %u:%g "$b/rootfs/work/f")" "host owner of the new file"
assert_eq /work "$(get pwd)" "cwd"
assert_eq bar "$(get foo)" "env FOO"
assert_eq "[a b  c]" "$(get space)" "env value with spaces"
assert_eq "[]" "$(get empty)" "env with an empty value"
assert_eq 2 "$(get argc)" "number of args after the script"
assert_eq "[first arg]" "$(get arg1)" "arg with a space"
assert_eq "[*]" "$(get arg2)" "arg '*' not globbed"

# uid only (gid 0, no additional groups): supplementary groups are dropped
b2=$(new_bundle)
set_config "$b2" '.process.user = {uid:65534, gid:65534}'
set_sh "$b2" 'echo "$(id -u):$(id -g):[$(awk "/^Groups:/{\$1=\"\"; print}" /proc/self/status | xargs)]"'
id=$(new_id)
assert_ok rt run --bundle "$b2" "$id"
assert_eq "65534:65534:[]" "$OUT" "uid:gid:[groups] without additionalGids"

# args[0] found through PATH from process.env, and an absolute args[0]
set_config "$b2" '.process.env = ["PATH=/bin"] | .process.user = {uid:0, gid:0}'
set_args "$b2" echo via-path
id=$(new_id)
assert_ok rt run --bundle "$b2" "$id"
assert_eq via-path "$OUT" "args[0] looked up in PATH"
set_args "$b2" /bin/echo absolute
id=$(new_id)
assert_ok rt run --bundle "$b2" "$id"
assert_eq absolute "$OUT" "absolute args[0]"

# cwd that does not exist in the rootfs is created (runc behaviour) or refused; never outside
set_config "$b2" '.process.cwd = "/new/cwd"'
set_sh "$b2" pwd
id=$(new_id)
run_cap rt run --bundle "$b2" "$id"
if [[ $RC == 0 ]]; then
    assert_eq /new/cwd "$OUT" "created cwd"
else
    assert_no_leftovers "$id"
fi
pass
