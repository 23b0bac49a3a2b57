#!/bin/bash
# maskedPaths (files read empty, directories appear empty, nonexistent paths are ignored) and
# readonlyPaths (writes fail, reads work); other paths stay writable.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
r="$b/rootfs"
mkdir -p "$r/secretdir" "$r/rodir"
echo top-secret >"$r/secret.txt"
echo hidden >"$r/secretdir/inner"
echo readable >"$r/rodir/file"
set_config "$b" '.linux.maskedPaths = ["/proc/kcore", "/secret.txt", "/secretdir", "/does/not/exist"]
    | .linux.readonlyPaths = ["/proc/sys", "/rodir", "/also/missing"]'
set_sh "$b" '
echo "secret=[$(cat /secret.txt 2>&1)]"
echo "secretdir=[$(ls -A /secretdir 2>&1)]"
echo "kcore_size=$(head -c 16 /proc/kcore 2>/dev/null | wc -c)"
echo "rodir_read=$(cat /rodir/file)"
if echo x > /rodir/new 2>/dev/null; then echo rodir_write=yes; else echo rodir_write=no; fi
if echo x > /rodir/file 2>/dev/null; then echo rofile_write=yes; else echo rofile_write=no; fi
if echo 1 > /proc/sys/kernel/domainname 2>/dev/null; then echo procsys_write=yes; else echo procsys_write=no; fi
echo "procsys_read=$(cat /proc/sys/kernel/ostype)"
if echo x > /tmp/ok 2>/dev/null; then echo tmp_write=yes; fi'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
get() { echo "$OUT" | sed -n "s/^$1=//p"; }
assert_eq "[]" "$(get secret)" "masked file content"
assert_eq "[]" "$(get secretdir)" "masked directory listing"
assert_eq 0 "$(get kcore_size)" "bytes read from masked /proc/kcore"
assert_eq readable "$(get rodir_read)" "read in a readonly path"
assert_eq no "$(get rodir_write)" "create a file in a readonly directory"
assert_eq no "$(get rofile_write)" "overwrite a file in a readonly directory"
assert_eq no "$(get procsys_write)" "write to readonly /proc/sys"
assert_eq Linux "$(get procsys_read)" "read from readonly /proc/sys"
assert_eq yes "$(get tmp_write)" "write outside readonly paths"
# host files untouched
assert_eq top-secret "$(cat "$r/secret.txt")" "masked file on the host"
assert_eq hidden "$(cat "$r/secretdir/inner")" "masked directory content on the host"
assert_eq readable "$(cat "$r/rodir/file")" "readonly file on the host"
[[ ! -e $r/does/not/exist && ! -e $r/also/missing ]] || fail "missing masked/readonly paths were created"
pass
