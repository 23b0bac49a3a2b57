#!/usr/bin/env bash
# podman (4.3 + conmon) runs partition containers through runz on a simulated Jailhouse
# host (tests/sim/jailhouse): an image with runPHI's /boot/configuration.json becomes a cell;
# podman run, logs, stop, rm work as for any container. podman's 64-character ids give
# derived cell names. Everything Jailhouse here is the simulator (docs/partition.md).
. "$(dirname "$0")/lib.sh"

ensure_packages "podman conmon" podman

IMG=localhost/runz-cell:latest
SIM=$REPO_DIR/tests/sim
JH=$T/jh
SYSFS=$JH/sys/devices/jailhouse

# runz with this host's runz.toml: podman passes its own arguments after ours
WRAPPER=$T/runz-partition
printf '#!/bin/sh\nexec %s --config %s "$@"\n' "$RUNTIME" "$T/runz.toml" >"$WRAPPER"
chmod 755 "$WRAPPER"

podman_setup "$WRAPPER" "[]"
RUN=(--pull never --network none)


cells() { find "$SYSFS/cells" -mindepth 1 -maxdepth 1 -type d ! -name 0 | wc -l; }

step_setup() {
    /usr/bin/python3 "$SIM/jailhouse/jailhouse.py" --root "$JH" --init --cpus 0-3 >/dev/null || { bad "simulator"; return 1; }
    printf '#!/bin/sh\nexec /usr/bin/python3 %s --root %s "$@"\n' "$SIM/jailhouse/jailhouse.py" "$JH" >"$T/jailhouse"
    chmod 755 "$T/jailhouse"
    cat >"$T/runz.toml" <<TOML
[partition]
backend = "jailhouse"
jailhouse = "$T/jailhouse"
sysfs = "$SYSFS"
cpus = "1-3"
root_cell_cpus = "0-3"

[[partition.memory_pool]]
name = "low"
start = 0x40000000
size = 0x10000000
TOML
    make_rootfs "$T/image/rootfs"
    mkdir -p "$T/image/rootfs/boot"
    printf '{"os_var": "zephyr", "inmate": "/boot/boot.bin"}\n' >"$T/image/rootfs/boot/configuration.json"
    printf 'PRINT=hello from a cell under podman\n' >"$T/image/rootfs/boot/boot.bin"
    tar --numeric-owner -C "$T/image/rootfs" -cf "$T/rootfs.tar" . || { bad "tar"; return 1; }
    run_ok "podman import" pm import "$T/rootfs.tar" "$IMG"
}

step_run() {
    run_ok "run --rm: a cell that shuts down" pm run --rm "${RUN[@]}" "$IMG" /boot/boot.bin EXIT=0
    expect_match "the cell's console is podman's output" "$OUT" "hello from a cell under podman"
    run_rc any "run --rm: a cell that fails" pm run --rm "${RUN[@]}" "$IMG" /boot/boot.bin EXIT=3
    [[ $RC != 0 ]] && good "non-zero exit status ($RC)" || bad "a failed cell exited 0"
    expect_eq "no cell left" "$(cells)" 0
}

step_detached() {
    run_ok "run -d" pm run -d --name c1 "${RUN[@]}" "$IMG" /boot/boot.bin || return 1
    local id=$OUT
    run_ok "inspect" pm inspect --format '{{.State.Status}}' c1
    expect_eq "running" "$OUT" running
    expect_eq "one cell" "$(cells)" 1
    local name
    name=$(cat "$SYSFS"/cells/*/name | grep -v RootCell)
    expect_match "the cell is named after podman's id (cut to 31 bytes)" "$name" "^${id:0:22}-[0-9a-f]{8}$"
    wait_until 5 grep -q "^running$" "$SYSFS/cells/1/state" && good "the cell runs" || bad "the cell does not run"
    run_ok "logs" pm logs c1
    expect_match "logs show the cell's console" "$OUT" "hello from a cell under podman"
    run_ok "stop" pm stop --time 10 c1
    run_ok "inspect after stop" pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' c1
    expect_eq "stopped by SIGTERM: cell shutdown" "$OUT" "exited 143"
    run_ok "rm" pm rm c1
    expect_eq "no cell left" "$(cells)" 0
    expect_eq "the root cell has every CPU back" "$(cat "$SYSFS/cells/0/cpus_assigned_list")" 0-3
}

run_step "setup: a simulated Jailhouse host, a cell image" step_setup
((FAILS == 0)) || finish
run_step "run --rm: console and exit status" step_run
run_step "run -d, logs, stop, rm" step_detached
finish
