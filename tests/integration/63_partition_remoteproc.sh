#!/bin/bash
# partition kind on a simulated remoteproc host (tests/sim/remoteproc, a FUSE tree with the
# kernel's firmware/state rules): the image's firmware is installed under a per-container
# name, the core started at `runz start` and its state read back: running -> running,
# crashed (injected) -> non-zero exit, kill TERM -> stop and 143; delete stops the core,
# removes the firmware and frees the core. Skipped without FUSE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/partition_lib.sh"

[[ -c /dev/fuse ]] || skip "no /dev/fuse"
PY=/usr/bin/python3   # Debian's python3-fusepy lives in its dist-packages
$PY -c "import fusepy" 2>/dev/null || $PY -c "import fuse" 2>/dev/null || skip "python3-fusepy is not installed"
command -v fusermount >/dev/null || skip "fusermount is missing (apt-get install fuse3)"

RP=$T/rproc
FW=$T/firmware
mkdir -p "$RP" "$FW"
track_mount "$RP"
"$PY" "$SIM_DIR/remoteproc/rprocfs.py" "$RP" --firmware-dir "$FW" --rproc r5_0,r5_1 \
    --pidfile "$T/rprocfs.pid" --log "$T/rprocfs.log" || skip "mounting the remoteproc FUSE tree failed: $(cat "$T/rprocfs.log")"
cat "$T/rprocfs.pid" >>"$T/.pids"
unmount_rproc() { fusermount -u "$RP" 2>/dev/null || umount -l "$RP"; }
cat >"$CONF" <<TOML
[partition]
backend = "remoteproc"
remoteproc_sysfs = "$RP"
firmware_dir = "$FW"

[[partition.rproc]]
name = "r5-0"
remoteproc = "remoteproc0"

[[partition.rproc]]
name = "r5-1"
remoteproc = "remoteproc1"
TOML

# new_rpu_bundle: an image that asks for a remote processor, with an ELF firmware
new_rpu_bundle() {
    local b
    b=$(new_bundle rpu)
    mkdir -p "$b/rootfs/boot"
    printf '{"os_var": "zephyr", "inmate": "/boot/r5.elf", "rpu_req": true}\n' >"$b/rootfs/boot/configuration.json"
    { printf '\177ELF\001\001\001'; head -c 60 /dev/zero; } >"$b/rootfs/boot/r5.elf"
    echo "$b"
}
wait_core() {   # N STATE
    local i
    for ((i = 0; i < 100; i++)); do
        [[ $(cat "$RP/remoteproc$1/state") == "$2" ]] && return 0
        sleep 0.05
    done
    fail "remoteproc$1: expected '$2', got '$(cat "$RP/remoteproc$1/state")'"
}

# lifecycle: create installs the firmware, start runs the core, delete undoes both
b=$(new_rpu_bundle)
id=$(new_id)
assert_ok rtc create --bundle "$b" "$id"
fw=$(cat "$RP/remoteproc0/firmware")
assert_eq "runz-$(cell_name "$id").elf" "$fw" "the firmware name"
cmp -s "$FW/$fw" "$b/rootfs/boot/r5.elf" || fail "the firmware file is not the image's"
assert_eq offline "$(cat "$RP/remoteproc0/state")" "core after create"
assert_eq 1 "$(alloc_count)" "allocations after create"
assert_ok rtc start "$id"
wait_core 0 running
assert_eq running "$(state_field "$id" status)" "status while the core runs"
# a second container gets the other core, a third is refused
b2=$(new_rpu_bundle)
id2=$(new_id)
assert_ok rtc create --bundle "$b2" "$id2"
assert_eq "runz-$(cell_name "$id2").elf" "$(cat "$RP/remoteproc1/firmware")" "second core's firmware"
id3=$(new_id)
assert_fail rtc create --bundle "$(new_rpu_bundle)" "$id3"
assert_contains "$ERR" "cannot allocate an RPU: all are held" "third container refused"
[[ ! -e $ROOT/$id3 ]] || fail "state dir of the refused container left"
assert_ok rtc delete --force "$id2"
# kill TERM stops the core; the container stopped
assert_ok rtc kill "$id" TERM
wait_status "$id" stopped 10
assert_eq offline "$(cat "$RP/remoteproc0/state")" "core after kill TERM"
assert_ok rtc delete "$id"
[[ ! -e $FW/$fw ]] || fail "firmware $fw left after delete"
assert_eq 0 "$(alloc_count)" "allocations after delete"

# a crash (injected) ends the container with a non-zero status and a message
b=$(new_rpu_bundle)
id=$(new_id)
rtc run --bundle "$b" "$id" >"$T/run.out" 2>"$T/run.err" &
runpid=$!
wait_core 0 running
echo crash >"$RP/.inject/remoteproc0"
wait "$runpid"; rc=$?
[[ $rc -ne 0 ]] || fail "a crashed core gave exit status 0"
assert_contains "$(cat "$T/run.err")" "crashed" "stderr names the crash"
assert_eq offline "$(cat "$RP/remoteproc0/state")" "the crashed core is recovered and stopped on delete"
assert_eq 0 "$(alloc_count)" "allocations after run"
[[ -z $(ls "$FW") ]] || fail "firmware left: $(ls "$FW")"

# a busy core: the firmware cannot be set, create fails clearly and leaves nothing
{ printf '\177ELF\001\001\001'; head -c 60 /dev/zero; } >"$FW/rproc-r5_1-fw"
echo rproc-r5_1-fw >"$RP/remoteproc1/firmware"
echo start >"$RP/remoteproc1/state"
b=$(new_rpu_bundle)
set_config "$b" '.annotations["runz.partition.rpu"] = "r5-1"'
id=$(new_id)
assert_fail rtc create --bundle "$b" "$id"
assert_contains "$ERR" "r5-1" "names the core"
assert_contains "$ERR" "running" "says why"
assert_eq 0 "$(alloc_count)" "allocations after the refusal"
echo stop >"$RP/remoteproc1/state"

unmount_rproc
pass
