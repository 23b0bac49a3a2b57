#!/bin/bash
# Classic escapes, by design closed: a cwd through a leaked host descriptor
# (CVE-2024-21626), a rootfs whose /proc is a symlink to /, no runtime descriptor left in
# the container's process, and a systemd-form cgroupsPath without --systemd-cgroup.
. "$(dirname "$0")/lib.sh"

# 1. cwd = /proc/self/fd/N: whatever N, the process never starts outside the rootfs.
for n in 3 4 5 6 7 8 9 10 11 12; do
    b=$(new_bundle)
    set_config "$b" ".process.cwd = \"/proc/self/fd/$n\""
    set_sh "$b" 'pwd; ls -d ../../../../.. ; cat /etc/hostname 2>/dev/null; test -e /run/runz && echo HOST-VISIBLE'
    id=$(new_id)
    run_cap rt run --bundle "$b" "$id"
    assert_not_contains "$OUT" "HOST-VISIBLE" "cwd /proc/self/fd/$n does not reach the host"
    assert_not_contains "$OUT" "unreachable" "cwd /proc/self/fd/$n is not outside the root"
    rt delete --force "$id" >/dev/null 2>&1 || true
done

# 2. The container's process sees only stdio: no runtime descriptor leaks.
b=$(new_bundle)
set_sh "$b" 'ls /proc/self/fd | tr "\n" " "'
id=$(new_id)
run_cap rt run --bundle "$b" "$id"
assert_eq 0 "$RC" "run: $ERR"
assert_eq "0 1 2 3 " "$OUT" "only stdio (and ls's own directory fd 3) are open"

# 3. rootfs/proc -> / : procfs must not be mounted over the rootfs through the link.
b=$(new_bundle)
rm -rf "$b/rootfs/proc"
ln -s / "$b/rootfs/proc"
id=$(new_id)
run_cap rt create --bundle "$b" "$id"
assert_ne 0 "$RC" "a /proc symlink in the rootfs is refused"
assert_icontains "$ERR" "symlink" "the error says why"
assert_no_leftovers "$id"
[ -L "$b/rootfs/proc" ] || fail "the rootfs was modified"

# 4. systemd's slice:prefix:name without --systemd-cgroup is a clear error.
b=$(new_bundle)
set_config "$b" '.linux.cgroupsPath = "system.slice:runz:itest"'
id=$(new_id)
run_cap rt create --bundle "$b" "$id"
assert_ne 0 "$RC" "systemd cgroupsPath without --systemd-cgroup"
assert_contains "$ERR" "systemd" "the error names the driver"
assert_no_leftovers "$id"
pass
