# shellcheck shell=bash
# partition_lib.sh: a simulated partitioning host for the 6x_partition_* tests (source it
# after lib.sh). Everything lives under $T: the jailhouse simulator's root ($JH), a
# `jailhouse` wrapper ($T/bin/jailhouse), runz.toml ($CONF) pointing runz at them.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    echo "partition_lib.sh is a helper of the partition integration tests, not a test" >&2
    exit 77
fi

SIM_DIR=$(cd "$LIB_DIR/../sim" && pwd)
CONF=$T/runz.toml
JH=$T/jh
JH_SYSFS=$JH/sys/devices/jailhouse

# rtc ARGS...: runz with this test's --root and runz.toml
rtc() { rt --config "$CONF" "$@"; }

# jh_host: a simulated x86 Jailhouse host with CPUs 0-3 (runz may hand out 1-3), 256 MiB
# of cell memory at 0x40000000, four ivshmem slots and a UART
jh_host() {
    /usr/bin/python3 "$SIM_DIR/jailhouse/jailhouse.py" --root "$JH" --init --cpus 0-3 \
        --hv-mem 0x3a000000:0x600000 >/dev/null || fail "jailhouse simulator --init"
    mkdir -p "$T/bin"
    printf '#!/bin/sh\nexec /usr/bin/python3 %s --root %s "$@"\n' "$SIM_DIR/jailhouse/jailhouse.py" "$JH" >"$T/bin/jailhouse"
    chmod 755 "$T/bin/jailhouse"
    cat >"$CONF" <<TOML
[partition]
backend = "jailhouse"
jailhouse = "$T/bin/jailhouse"
sysfs = "$JH_SYSFS"
arch = "x86"
cpus = "1-3"
root_cell_cpus = "0-3"
hypervisor_memory = { start = 0x3a000000, size = 0x600000 }
ivshmem = { base = 0x3f000000, slots = 4 }
console = "jailhouse"

[[partition.memory_pool]]
name = "low"
start = 0x40000000
size = 0x10000000

[[partition.device]]
name = "com2"
type = "uart"
address = 0x2f8
size = 8
pio = true
irq = 3
TOML
}

# new_cell_bundle [INMATE_TEXT] [ARGS...]: a bundle whose rootfs carries runPHI's
# /boot/configuration.json and /boot/boot.bin (INMATE_TEXT: the simulator's markers,
# e.g. "PRINT=hi EXIT=0 DELAY=100"); process.args = ["boot.bin", ARGS...]
new_cell_bundle() {
    local text=${1:-} b; shift || true
    b=$(new_bundle cell)
    mkdir -p "$b/rootfs/boot"
    printf '{"os_var": "zephyr", "inmate": "/boot/boot.bin", "starting_vaddress": "0x0"}\n' \
        >"$b/rootfs/boot/configuration.json"
    printf '%s\n' "$text" >"$b/rootfs/boot/boot.bin"
    set_args "$b" /boot/boot.bin "$@"
    echo "$b"
}

# cell_name ID: the cell runz names after container ID: the id itself up to 31 bytes, else
# its first 22 bytes, "-" and the FNV-1a hash of the id in 8 hex digits
cell_name() {
    python3 -c '
import sys
i = sys.argv[1]
if len(i) <= 31:
    print(i)
else:
    h = 2166136261
    for c in i.encode():
        h = ((h ^ c) * 16777619) & 0xffffffff
    print("%s-%08x" % (i[:22], h))' "$1"
}

# cell_field ID FILE: a file of the simulated cell of container ID ("" when there is none)
cell_field() {
    local d name
    name=$(cell_name "$1")
    for d in "$JH_SYSFS"/cells/*/; do
        [[ $(cat "$d/name" 2>/dev/null) == "$name" ]] && { cat "$d/$2"; return 0; }
    done
    echo ""
}
# cell_count: non-root cells in the simulator
cell_count() { find "$JH_SYSFS/cells" -mindepth 1 -maxdepth 1 -type d ! -name 0 2>/dev/null | wc -l; }
# alloc_count: containers holding partition resources
alloc_count() {
    local f=$ROOT/partition-allocations.json
    [[ -s $f ]] || { echo 0; return; }
    jq ".allocations | length" "$f"
}
# wait_cell ID STATE [SECONDS]: until the simulated cell is in STATE (the monitor starts
# the cell right after `runz start` returns)
wait_cell() {
    local i
    for ((i = 0; i < ${3:-5} * 20; i++)); do
        [[ $(cell_field "$1" state) == "$2" ]] && return 0
        sleep 0.05
    done
    fail "cell $1: expected state '$2', got '$(cell_field "$1" state)'"
}
