#!/bin/bash
# `runz check` tells what the host supports: the cgroup layout, the VMMs found, the
# accelerators and whether they are fast; on a kvm_pvm host (software KVM) `auto` picks TCG
# and says why. A broken runz.toml is reported with its line.
. "$(dirname "$0")/lib.sh"

assert_ok rt check
assert_match "$OUT" "cgroups: layout (v1|v2|hybrid)" "cgroup layout line"
assert_contains "$OUT" "vm: vmm qemu x86_64:" "VMM line"
assert_contains "$OUT" "vm: accel auto picks" "accelerator choice"
if [[ -d /sys/module/kvm_pvm && ! -d /sys/module/kvm_intel && ! -d /sys/module/kvm_amd ]]; then
    assert_contains "$OUT" "vm: accel auto picks tcg" "auto on a software-KVM host"
    assert_contains "$OUT" "kvm_pvm" "the reason names kvm_pvm"
fi
printf '[vm]\naccel = "kvm"\n' >"$T/kvm.toml"
assert_ok rt --config "$T/kvm.toml" check
assert_contains "$OUT" "vm: accel kvm picks" "an explicit accelerator"
printf '[vm]\nqemu = "/usr/bin/qemu-system-x86_64"\nbogus = 1\n' >"$T/bad.toml"
assert_ok rt --config "$T/bad.toml" check
assert_contains "$OUT" "bad.toml:3" "a configuration error names its line"
pass
