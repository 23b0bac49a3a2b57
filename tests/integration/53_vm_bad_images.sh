#!/bin/bash
# vm kind, bad images: a truncated ELF, a guest for another architecture, a missing kernel,
# a bad runz.vm.* annotation: create fails with one clear line and leaves nothing behind
# (no state dir, no cgroup, no process).
. "$(dirname "$0")/lib.sh"
need_qemu

expect_create_fails() {   # BUNDLE NEEDLE WHAT
    local id
    id=$(new_id)
    assert_fail rt create --bundle "$1" "$id"
    assert_contains "$ERR" "$2" "$3"
    [[ $(wc -l <<<"$ERR") -le 2 ]] || fail "$3: expected one clear line, got: $ERR"
    [[ ! -e $ROOT/$id ]] || fail "$3: state dir left after a failed create"
    local cg; cg=$(jq -r .linux.cgroupsPath "$1/config.json")
    [[ ! -d /sys/fs/cgroup/memory$cg && ! -d /sys/fs/cgroup$cg/cgroup.procs ]] || fail "$3: cgroup left behind"
}

# truncated: the first 100 bytes of a PVH guest, with the vm kind asked for explicitly
b=$(new_guest_bundle hello)
head -c 100 "$b/rootfs/hello.elf" >"$b/rootfs/hello.elf.cut" && mv "$b/rootfs/hello.elf.cut" "$b/rootfs/hello.elf"
set_config "$b" '.annotations["runz.workload"] = "vm"'
expect_create_fails "$b" "hello.elf" "truncated ELF"

# another architecture: e_machine patched to AArch64 (183)
b=$(new_guest_bundle hello)
printf '\xb7\x00' | dd of="$b/rootfs/hello.elf" bs=1 seek=18 conv=notrunc status=none
set_config "$b" '.annotations["runz.workload"] = "vm"'
if command -v qemu-system-aarch64 >/dev/null; then
    log "qemu-system-aarch64 is installed: skipping the wrong-architecture case"
else
    expect_create_fails "$b" "aarch64" "guest for another architecture"
fi

# missing kernel: args[0] does not exist in the rootfs
b=$(new_guest_bundle hello)
set_config "$b" '.annotations["runz.workload"] = "vm" | .process.args = ["/no-such-kernel"]'
expect_create_fails "$b" "no-such-kernel" "missing kernel"

# a path that tries to leave the rootfs is resolved inside it (and so is missing here)
b=$(new_guest_bundle hello)
set_config "$b" '.annotations["runz.workload"] = "vm" | .process.args = ["../../../../bin/true"]'
expect_create_fails "$b" "bin/true" "args[0] escaping the rootfs"

# bad annotations
b=$(new_guest_bundle hello)
set_config "$b" '.annotations["runz.vm.vcpus"] = "many"'
expect_create_fails "$b" "runz.vm.vcpus" "bad vcpus annotation"
b=$(new_guest_bundle hello)
set_config "$b" '.annotations["runz.vm.accel"] = "warp"'
expect_create_fails "$b" "runz.vm.accel" "bad accel annotation"
b=$(new_guest_bundle hello)
set_config "$b" '.annotations["runz.workload"] = "spaceship"'
expect_create_fails "$b" "runz.workload" "unknown workload kind"

# a broken host configuration is reported with its line
b=$(new_guest_bundle hello)
printf '[vm]\naccel = "auto"\nvcpus = "two"\n' >"$T/runz.toml"
id=$(new_id)
assert_fail rt --config "$T/runz.toml" create --bundle "$b" "$id"
assert_contains "$ERR" "runz.toml:3" "config error names the line"
[[ ! -e $ROOT/$id ]] || fail "state dir left after a config error"
pass
