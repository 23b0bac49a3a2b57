#!/bin/bash
# Root filesystem: root.readonly (writes fail, / is ro in /proc/mounts, /dev and tmpfs mounts
# stay writable), root.path absolute and relative, the host's filesystem is not visible
# (pivot_root), `create --no-pivot`, a missing rootfs fails cleanly.
. "$(dirname "$0")/lib.sh"

# readonly root
b=$(new_bundle ro)
set_config "$b" '.root.readonly = true | .mounts += [{destination:"/scratch", type:"tmpfs", source:"tmpfs", options:["size=1m"]}]'
mkdir -p "$b/rootfs/scratch"
set_sh "$b" '
if touch /newfile 2>/dev/null; then echo root=rw; else echo root=ro; fi
if echo x > /etc/hostname 2>/dev/null; then echo etc=rw; else echo etc=ro; fi
if echo x > /scratch/f 2>/dev/null; then echo scratch=rw; else echo scratch=ro; fi
if echo x > /dev/null 2>/dev/null; then echo devnull=ok; else echo devnull=bad; fi
if touch /dev/shm/f 2>/dev/null; then echo shm=rw; else echo shm=ro; fi
awk "\$2 == \"/\" {print \"rootopts=\" \$4}" /proc/mounts | tail -1'
id=$(new_id ro)
assert_ok rt run --bundle "$b" "$id"
assert_contains "$OUT" "root=ro" "writing / with root.readonly"
assert_contains "$OUT" "etc=ro" "writing /etc/hostname with root.readonly"
assert_contains "$OUT" "scratch=rw" "tmpfs mount on a readonly root"
assert_contains "$OUT" "devnull=ok" "/dev/null on a readonly root"
assert_contains "$OUT" "shm=rw" "/dev/shm on a readonly root"
assert_match "$(echo "$OUT" | sed -n 's/^rootopts=//p')" '(^|,)ro(,|$)' "mount options of / in /proc/mounts"
[[ ! -e $b/rootfs/newfile ]] || fail "readonly root: file appeared on the host"
assert_eq runz-itest "$(cat "$b/rootfs/etc/hostname")" "rootfs /etc/hostname after a readonly run"

# writable root (the default in these tests): writes land in the bundle's rootfs
b2=$(new_bundle rw)
set_sh "$b2" 'echo hello > /written; cat /proc/1/mountinfo | wc -l'
id=$(new_id rw)
assert_ok rt run --bundle "$b2" "$id"
assert_eq hello "$(cat "$b2/rootfs/written" 2>/dev/null)" "file written by a container with a writable root"

# the host's filesystem is not visible: a file only on the host must not be reachable
echo secret >"$T/host-only-file"
set_sh "$b2" "if [ -e '$T/host-only-file' ]; then echo visible; else echo hidden; fi; ls / | tr '\n' ' '"
id=$(new_id hidden)
assert_ok rt run --bundle "$b2" "$id"
assert_contains "$OUT" "hidden" "host file visible inside the container"

# root.path absolute, rootfs outside the bundle dir
b3=$(new_bundle abs)
mv "$b3/rootfs" "$T/abs-rootfs"
set_config "$b3" '.root.path = $p' --arg p "$T/abs-rootfs"
set_sh "$b3" 'echo abs > /abs-marker'
id=$(new_id abs)
assert_ok rt run --bundle "$b3" "$id"
assert_eq abs "$(cat "$T/abs-rootfs/abs-marker" 2>/dev/null)" "container on an absolute root.path"

# root.path relative with a subdirectory
b4=$(new_bundle rel)
mkdir -p "$b4/sub"
mv "$b4/rootfs" "$b4/sub/fs"
set_config "$b4" '.root.path = "sub/fs"'
set_sh "$b4" 'echo rel > /rel-marker'
id=$(new_id rel)
assert_ok rt run --bundle "$b4" "$id"
assert_eq rel "$(cat "$b4/sub/fs/rel-marker" 2>/dev/null)" "container on a relative root.path"

# --no-pivot (create/start and run)
b5=$(new_bundle nopivot)
set_sh "$b5" "echo nopivot > /np-marker; if [ -e '$T/host-only-file' ]; then echo visible; else echo hidden; fi"
id=$(new_id nopivot)
assert_ok rt run --no-pivot --bundle "$b5" "$id"
assert_contains "$OUT" "hidden" "host file with --no-pivot"
assert_eq nopivot "$(cat "$b5/rootfs/np-marker" 2>/dev/null)" "--no-pivot run"
rm -f "$b5/rootfs/np-marker"
id=$(new_id nopivot2)
assert_ok rt create --no-pivot --bundle "$b5" "$id"
assert_ok rt start "$id"
wait_status "$id" stopped
assert_eq nopivot "$(cat "$b5/rootfs/np-marker" 2>/dev/null)" "--no-pivot create/start"
assert_ok rt delete "$id"

# --no-new-keyring is accepted
id=$(new_id nokeyring)
assert_ok rt run --no-new-keyring --bundle "$b5" "$id"
pass
