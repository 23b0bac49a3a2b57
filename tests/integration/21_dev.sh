#!/bin/bash
# /dev: the default devices (null zero full random urandom tty ptmx) with the right numbers
# and working, /dev/fd stdin stdout stderr symlinks, /dev/pts and /dev/shm mounted;
# linux.devices creates custom devices with type, major/minor, fileMode, uid and gid.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_config "$b" '.linux.devices = [
    {path:"/dev/mydev",  type:"c", major:1, minor:3, fileMode:416, uid:1000, gid:100},
    {path:"/dev/sub/myzero", type:"c", major:1, minor:5, fileMode:438, uid:0, gid:0},
    {path:"/dev/myfifo", type:"p", fileMode:420}
  ]
  | .linux.resources.devices += [
    {allow:true, type:"c", major:1, minor:3, access:"rwm"},
    {allow:true, type:"c", major:1, minor:5, access:"rwm"}
  ]'
set_sh "$b" '
for d in null zero full random urandom tty; do
  if [ -c /dev/$d ]; then echo "dev_$d=$(stat -c "%t:%T" /dev/$d)"; else echo "dev_$d=missing"; fi
done
if [ -e /dev/ptmx ]; then echo ptmx=ok; fi
for l in fd stdin stdout stderr; do echo "link_$l=$(readlink /dev/$l)"; done
echo "zero_read=$(head -c 5 /dev/zero | wc -c)"
echo "urandom_read=$(head -c 16 /dev/urandom | wc -c)"
echo "random_read=$(head -c 1 /dev/random | wc -c)"
if echo x > /dev/full 2>/dev/null; then echo full_write=ok; else echo full_write=enospc; fi
if echo x > /dev/null; then echo null_write=ok; fi
awk "\$5 == \"/dev/pts\" {print \"pts_fs=\" \$(NF-2)}" /proc/self/mountinfo | tail -1
awk "\$5 == \"/dev/shm\" {print \"shm_fs=\" \$(NF-2)}" /proc/self/mountinfo | tail -1
echo hi > /dev/shm/x && echo shm_write=ok
echo "mydev=$(stat -c "%F|%t:%T|%a|%u|%g" /dev/mydev)"
echo "myzero=$(stat -c "%F|%t:%T|%a" /dev/sub/myzero)"
echo "myzero_read=$(head -c 3 /dev/sub/myzero | wc -c)"
echo "myfifo=$(stat -c "%F|%a" /dev/myfifo)"
if echo x > /dev/sub/myzero; then echo mydev_write=ok; fi
ls /dev/fd/ >/dev/null && echo devfd=ok'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
get() { echo "$OUT" | sed -n "s/^$1=//p"; }
assert_eq 1:3 "$(get dev_null)" "/dev/null major:minor"
assert_eq 1:5 "$(get dev_zero)" "/dev/zero major:minor"
assert_eq 1:7 "$(get dev_full)" "/dev/full major:minor"
assert_eq 1:8 "$(get dev_random)" "/dev/random major:minor"
assert_eq 1:9 "$(get dev_urandom)" "/dev/urandom major:minor"
assert_eq 5:0 "$(get dev_tty)" "/dev/tty major:minor"
assert_eq ok "$(get ptmx)" "/dev/ptmx"
assert_eq /proc/self/fd "$(get link_fd)" "/dev/fd symlink"
assert_eq /proc/self/fd/0 "$(get link_stdin)" "/dev/stdin symlink"
assert_eq /proc/self/fd/1 "$(get link_stdout)" "/dev/stdout symlink"
assert_eq /proc/self/fd/2 "$(get link_stderr)" "/dev/stderr symlink"
assert_eq 5 "$(get zero_read)" "bytes read from /dev/zero"
assert_eq 16 "$(get urandom_read)" "bytes read from /dev/urandom"
assert_eq 1 "$(get random_read)" "bytes read from /dev/random"
assert_eq enospc "$(get full_write)" "write to /dev/full"
assert_eq ok "$(get null_write)" "write to /dev/null"
assert_eq devpts "$(get pts_fs)" "filesystem on /dev/pts"
assert_eq tmpfs "$(get shm_fs)" "filesystem on /dev/shm"
assert_eq ok "$(get shm_write)" "write to /dev/shm"
assert_eq ok "$(get devfd)" "ls /dev/fd/"
assert_eq "character special file|1:3|640|1000|100" "$(get mydev)" "custom device /dev/mydev (type|maj:min|mode|uid|gid)"
assert_eq "character special file|1:5|666" "$(get myzero)" "custom device in a new subdirectory"
assert_eq 3 "$(get myzero_read)" "bytes read from the custom zero device"
assert_eq "fifo|644" "$(get myfifo)" "custom fifo device"
assert_eq ok "$(get mydev_write)" "write to the custom device"
[[ ! -e $b/rootfs/dev/mydev ]] || fail "custom device node leaked into the bundle's rootfs/dev on the host"
pass
