#!/bin/bash
# Mount propagation: a bind mount with "rslave" receives mounts made on the host afterwards,
# one with "rprivate" does not; the container's own mounts never propagate back to the host
# (default rootfsPropagation), and rootfsPropagation "private" is accepted.
. "$(dirname "$0")/lib.sh"

src="$T/prop-src"
mkdir -p "$src/sub" "$src/inner"
mount --bind "$src" "$src" || skip "cannot bind-mount $src"
track_mount "$src"
mount --make-shared "$src" || fail "mount --make-shared $src"

b=$(new_bundle)
set_config "$b" '.mounts += [
  {destination:"/mnt/slave",   type:"bind", source:$s, options:["rbind","rslave"]},
  {destination:"/mnt/private", type:"bind", source:$s, options:["rbind","rprivate"]}
]' --arg s "$src"
set_sh "$b" 'mount -t tmpfs tmpfs /mnt/slave/inner || echo inner-mount-failed; echo ready > /tmp/ready
while [ ! -e /tmp/go ]; do sleep 0.05; done
if [ -e /mnt/slave/sub/host-made ]; then echo slave=sees; else echo slave=blind; fi
if [ -e /mnt/private/sub/host-made ]; then echo private=sees; else echo private=blind; fi
echo done > /tmp/done'
set_config "$b" '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
id=$(new_id)
timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" create --bundle "$b" "$id" >"$T/out" 2>&1 </dev/null ||
    fail "create failed: $(cat "$T/out")"
assert_ok rt start "$id"
wait_file "$b/rootfs/tmp/ready"
# the container's tmpfs on /mnt/slave/sub must not show up on the host (slave: one-way)
[[ -z $(mounts_under "$src/inner") ]] || fail "a mount made inside the container propagated to the host"
# now the host mounts something below the shared source
mount -t tmpfs -o size=64k tmpfs "$src/sub" || fail "host mount"
track_mount "$src/sub"
echo yes >"$src/sub/host-made"
touch "$b/rootfs/tmp/go"
wait_file "$b/rootfs/tmp/done"
out=$(cat "$T/out")
wait_status "$id" stopped
assert_not_contains "$out" "inner-mount-failed" "mount inside the container"
assert_contains "$out" "slave=sees" "rslave bind mount after a host mount below its source"
assert_contains "$out" "private=blind" "rprivate bind mount after a host mount below its source"
assert_ok rt delete "$id"
umount "$src/sub" || fail "umount $src/sub"

# rootfsPropagation private / slave are accepted, and container mounts stay inside
for p in private slave; do
    b2=$(new_bundle "$p")
    set_config "$b2" '.linux.rootfsPropagation = $p' --arg p "$p"
    set_sh "$b2" 'cat /proc/self/mountinfo >/dev/null'
    id=$(new_id "$p")
    assert_ok rt run --bundle "$b2" "$id"
    [[ -z $(mounts_under "$b2") ]] || fail "rootfsPropagation $p: container mounts visible on the host"
done
pass
