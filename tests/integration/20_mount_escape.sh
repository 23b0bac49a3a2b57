#!/bin/bash
# Mount destinations cannot escape the rootfs: ".." traversal is clamped to the rootfs (or
# the mount is refused); symlinks inside the rootfs that point out of it (absolute or
# relative, as the last or an intermediate component, dangling or not, for directory and
# file targets) are resolved inside the rootfs (or refused): nothing on the host is created,
# changed or mounted over.
. "$(dirname "$0")/lib.sh"

esc="/tmp/${MARK}-dotdot"                    # where a naive ".." join would land on the host
mkdir -p "$T/hostdir" "$T/hostdir2" "$T/hostdir3" "$T/src"
echo host-sentinel >"$T/hostdir/sentinel"
echo host-sentinel >"$T/hostdir2/sentinel"
echo src-content >"$T/src/file"
echo src-file >"$T/src-file"
host_snapshot() { (cd "$T" && find hostdir hostdir2 hostdir3 -printf '%p %y %s %m\n' | sort; ls -d hostfile 2>/dev/null; ls -d "$esc" 2>/dev/null); }
before=$(host_snapshot)

b=$(new_bundle)
r="$b/rootfs"
ln -s "$T/hostdir/newdir" "$r/evil"                       # absolute, dangling on the host
ln -s "../../../../../../../../../..$T/hostdir2" "$r/evil2"  # relative, climbs out
ln -s "$T/hostdir3" "$r/evildir"                          # intermediate component
ln -s "$T/hostfile" "$r/evilfile"                         # file target, dangling
set_config "$b" '.mounts += [
  {destination:("/../../../../../../../.." + $esc), type:"tmpfs", source:"tmpfs", options:["size=64k"]},
  {destination:"/a/../../b-clamped", type:"tmpfs", source:"tmpfs", options:["size=64k"]},
  {destination:"/evil", type:"tmpfs", source:"tmpfs", options:["size=64k"]},
  {destination:"/evil2/sub", type:"bind", source:$src, options:["bind"]},
  {destination:"/evildir/a/b", type:"tmpfs", source:"tmpfs", options:["size=64k"]},
  {destination:"/evilfile", type:"bind", source:$srcfile, options:["bind","ro"]}
]' --arg esc "$esc" --arg src "$T/src" --arg srcfile "$T/src-file"
set_sh "$b" 'echo escaped-write > /evil/x 2>/dev/null; echo escaped-write > /evil2/sub/y 2>/dev/null
awk "{print \"mp=\" \$5}" /proc/self/mountinfo
echo ready > /ready; exec sleep 600'
id=$(new_id)
host_mounts_before=$(new_mounts)
run_cap rt run --detach --bundle "$b" "$id"
if [[ $RC == 0 ]]; then
    wait_file "$r/ready"
    # while it runs: no new mount on the host, nothing created outside the rootfs
    assert_eq "$host_mounts_before" "$(new_mounts)" "host mount table while the container runs"
    assert_eq "$before" "$(host_snapshot)" "host files next to the rootfs while the container runs"
    # where did the mounts go?  Inside the rootfs: the clamped / in-root-resolved paths.
    pid=$(state_field "$id" pid)
    mps=$(awk '{print $5}' "/proc/$pid/mountinfo")
    echo "$mps" | grep -qx "$esc" || fail "'..' destination not clamped to $esc inside the rootfs: $(echo $mps)"
    echo "$mps" | grep -qx "/b-clamped" || fail "/a/../../b-clamped not mounted at /b-clamped: $(echo $mps)"
    echo "$mps" | grep -qx "$T/hostdir/newdir" || fail "/evil symlink not resolved inside the rootfs: $(echo $mps)"
    [[ -d $r$esc && -d $r/b-clamped && -d $r$T/hostdir/newdir ]] || fail "clamped mount targets were not created inside the rootfs"
    assert_ok rt delete --force "$id"
else
    log "runtime refused the hostile mounts (allowed): $ERR"
    assert_no_leftovers "$id"
fi
assert_eq "$before" "$(host_snapshot)" "host files next to the rootfs after the container"
[[ ! -e $esc ]] || { rm -rf "$esc"; fail "a '..' mount destination created $esc on the host"; }
[[ ! -e $T/hostdir/newdir ]] || fail "symlinked mount target created $T/hostdir/newdir on the host"
[[ ! -e $T/hostdir2/sub ]] || fail "symlinked mount target created $T/hostdir2/sub on the host"
[[ ! -e $T/hostdir3/a ]] || fail "symlinked mount target created $T/hostdir3/a on the host"
[[ ! -e $T/hostfile ]] || fail "symlinked file mount target created $T/hostfile on the host"
assert_eq host-sentinel "$(cat "$T/hostdir/sentinel")" "host sentinel"

# each hostile mount on its own, so that a runtime refusing one cannot hide another
i=0
for m in '{destination:("/../../../../../../../.." + $esc), type:"tmpfs", source:"tmpfs"}' \
         '{destination:"/evil", type:"tmpfs", source:"tmpfs"}' \
         '{destination:"/evil2/sub", type:"bind", source:$src, options:["bind"]}' \
         '{destination:"/evildir/a/b", type:"tmpfs", source:"tmpfs"}' \
         '{destination:"/evilfile", type:"bind", source:$srcfile, options:["bind"]}'; do
    i=$((i + 1))
    b1=$(new_bundle "one$i")
    r1="$b1/rootfs"
    ln -s "$T/hostdir/newdir" "$r1/evil"
    ln -s "../../../../../../../../../..$T/hostdir2" "$r1/evil2"
    ln -s "$T/hostdir3" "$r1/evildir"
    ln -s "$T/hostfile" "$r1/evilfile"
    set_config "$b1" ".mounts += [$m]" --arg esc "$esc" --arg src "$T/src" --arg srcfile "$T/src-file"
    set_sh "$b1" 'cat /proc/self/mountinfo > /dev/null'
    id=$(new_id "one$i")
    run_cap rt run --bundle "$b1" "$id"
    [[ $RC == 0 ]] || assert_no_leftovers "$id"
    assert_eq "$before" "$(host_snapshot)" "host files after hostile mount #$i ($m)"
done
pass
