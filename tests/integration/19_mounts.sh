#!/bin/bash
# mounts: tmpfs with size/mode and nosuid/nodev/noexec, bind ro, rbind rw (writes reach the
# host), file bind mount onto a missing target (created), nested missing directories,
# mounts applied in order (a later mount inside an earlier one), rro, a mount without a type;
# the default spec's proc, sysfs, devpts, mqueue and cgroup mounts.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/src-ro" "$T/src-rw" "$T/src-rro"
echo ro-content >"$T/src-ro/file"
echo rw-content >"$T/src-rw/file"
echo rro-content >"$T/src-rro/file"
echo file-content >"$T/src-file.txt"
mkdir -p "$T/src-sub"; echo sub-content >"$T/src-sub/file"

b=$(new_bundle)
set_config "$b" '.mounts += [
  {destination:"/mnt/t",  type:"tmpfs", source:"tmpfs", options:["size=1m","mode=1777","nosuid","nodev","noexec"]},
  {destination:"/mnt/ro", type:"bind",  source:$ro,  options:["bind","ro"]},
  {destination:"/mnt/rw", type:"bind",  source:$rw,  options:["rbind","rw"]},
  {destination:"/etc/bound.txt", type:"bind", source:$file, options:["bind","ro"]},
  {destination:"/deep/missing/dir", type:"tmpfs", source:"tmpfs", options:["size=64k"]},
  {destination:"/mnt/o",  type:"tmpfs", source:"tmpfs", options:["mode=755"]},
  {destination:"/mnt/o/sub", type:"bind", source:$sub, options:["bind"]},
  {destination:"/mnt/rro", type:"bind", source:$rro, options:["rbind","rro"]},
  {destination:"/mnt/noopt", source:$sub, options:["bind"]}
]' --arg ro "$T/src-ro" --arg rw "$T/src-rw" --arg file "$T/src-file.txt" --arg sub "$T/src-sub" --arg rro "$T/src-rro"
set_sh "$b" '
mi() { awk -v d="$1" "\$5 == d" /proc/self/mountinfo | tail -1; }
echo "t_mode=$(stat -c %a /mnt/t)"
echo "t_mi=$(mi /mnt/t)"
echo "t_size=$(df -k /mnt/t | awk "NR==2{print \$2}")"
printf "#!/bin/sh\\necho hi\\n" > /mnt/t/x.sh && chmod 755 /mnt/t/x.sh && { if /mnt/t/x.sh >/dev/null 2>&1; then echo t_exec=yes; else echo t_exec=no; fi; }
echo "ro_read=$(cat /mnt/ro/file)"
if echo x > /mnt/ro/new 2>/dev/null; then echo ro_write=yes; else echo ro_write=no; fi
echo "rw_read=$(cat /mnt/rw/file)"
echo from-container > /mnt/rw/new && echo rw_write=yes
echo "file_read=$(cat /etc/bound.txt)"
if [ -d /deep/missing/dir ]; then echo deep=dir; fi
echo "deep_fs=$(mi /deep/missing/dir | sed "s/.* - \([^ ]*\) .*/\1/")"
echo "sub_read=$(cat /mnt/o/sub/file)"
echo "rro_read=$(cat /mnt/rro/file)"
if echo x > /mnt/rro/new 2>/dev/null; then echo rro_write=yes; else echo rro_write=no; fi
echo "noopt_read=$(cat /mnt/noopt/file)"'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
get() { echo "$OUT" | sed -n "s/^$1=//p"; }
assert_eq 1777 "$(get t_mode)" "tmpfs mode=1777"
assert_eq 1024 "$(get t_size)" "tmpfs size=1m (df 1K-blocks)"
tmi=$(get t_mi)
assert_contains "$tmi" "tmpfs" "mountinfo of /mnt/t"
assert_match "$tmi" 'nosuid' "nosuid on /mnt/t"
assert_match "$tmi" 'nodev' "nodev on /mnt/t"
assert_match "$tmi" 'noexec' "noexec on /mnt/t"
assert_eq no "$(get t_exec)" "executing from a noexec tmpfs"
assert_eq ro-content "$(get ro_read)" "read through a ro bind mount"
assert_eq no "$(get ro_write)" "write through a ro bind mount"
[[ ! -e $T/src-ro/new ]] || fail "a write through a ro bind mount reached the host"
assert_eq rw-content "$(get rw_read)" "read through an rbind rw mount"
assert_eq from-container "$(cat "$T/src-rw/new" 2>/dev/null)" "write through an rbind rw mount (host view)"
assert_eq file-content "$(get file_read)" "file bind mount onto a missing target"
assert_eq dir "$(get deep)" "nested missing mount target created"
assert_eq tmpfs "$(get deep_fs)" "fs type at /deep/missing/dir"
assert_eq sub-content "$(get sub_read)" "bind mount inside an earlier tmpfs mount (order)"
assert_eq rro-content "$(get rro_read)" "read through an rro mount"
assert_eq no "$(get rro_write)" "write through an rro mount"
assert_eq sub-content "$(get noopt_read)" "bind mount without a type field"
# the default spec's mounts: proc, sysfs (ro), devpts, mqueue, cgroup (ro)
b2=$(new_bundle defaults)
set_sh "$b2" "$(cat <<'SH'
awk '{for (i = 7; i <= NF; i++) if ($i == "-") { print "mp", $5, $(i + 1), $6; break }}' /proc/self/mountinfo
ls /sys/fs/cgroup | head -1 | sed "s/^/cgls /"
SH
)"
id=$(new_id defaults)
assert_ok rt run --bundle "$b2" "$id"
mline() { echo "$OUT" | awk -v d="$1" '$1 == "mp" && $2 == d' | tail -1; }
assert_match "$(mline /proc)" "^mp /proc proc " "/proc mount"
assert_match "$(mline /sys)" "^mp /sys sysfs ro" "/sys mount (ro)"
assert_match "$(mline /dev/pts)" "^mp /dev/pts devpts " "/dev/pts mount"
assert_match "$(mline /dev/mqueue)" "^mp /dev/mqueue mqueue " "/dev/mqueue mount"
cgm=$(mline /sys/fs/cgroup)
assert_match "$cgm" "^mp /sys/fs/cgroup (tmpfs|cgroup2?) " "/sys/fs/cgroup mount"
if [[ $cgm == "mp /sys/fs/cgroup tmpfs "* ]]; then
    # v1/hybrid: a tmpfs with the controller hierarchies mounted read-only below it
    echo "$OUT" | grep -Eq '^mp /sys/fs/cgroup/[^ ]+ cgroup2? ro' ||
        fail "no read-only cgroup hierarchy below /sys/fs/cgroup: $(echo "$OUT" | grep 'sys/fs/cgroup')"
else
    assert_match "$cgm" " ro(,|$)" "/sys/fs/cgroup cgroup2 mount (ro)"
fi
echo "$OUT" | grep -q '^cgls ' || fail "/sys/fs/cgroup is empty inside the container"

# the container's mounts did not appear on the host, and mount targets were created in the rootfs
[[ -z $(mounts_under "$b") ]] || fail "container mounts visible on the host: $(mounts_under "$b")"
[[ -f $b/rootfs/etc/bound.txt ]] || fail "missing file target was not created as a file in the rootfs"
pass
