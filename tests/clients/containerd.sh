#!/usr/bin/env bash
# containerd (1.6, Debian) drives runz through containerd-shim-runc-v2: a containerd started
# by the test (its own root, state and unix socket under a temp dir, no TCP), a busybox image
# imported from a local docker-archive (no registry), and `ctr run --runc-binary $RUNTIME`.
. "$(dirname "$0")/lib.sh"

ensure_packages "containerd ctr containerd-shim-runc-v2" containerd

NS=runz-clients
IMG=localhost/runz-busybox:latest
SOCK=$T/containerd.sock
RUNZ_ROOT=$T/runz-root     # runz's --root, through the shim's options (ctr --runc-root)
cgroup_parent "$NS"        # containerd puts containers in /NAMESPACE/ID

# ---------------------------------------------------------------- containerd

cat >"$T/config.toml" <<EOF
version = 2
root = "$T/root"
state = "$T/state"
# the CRI plugin would want CNI and a real node; btrfs/zfs/devmapper/aufs are not here
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "$SOCK"
  tcp_address = ""

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  address = ""
  level = "info"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
EOF

CTR=(ctr --address "$SOCK" --namespace "$NS")
c() { timeout -k 5 "$CMD_TIMEOUT" "${CTR[@]}" "$@"; }
RUNFLAGS=(--runc-binary "$RUNTIME" --runc-root "$RUNZ_ROOT" --fifo-dir "$T/fifo")
EXECFLAGS=(--fifo-dir "$T/fifo")   # ctr's default is /run/containerd/fifo

containerd_cleanup() {
    local id
    # every task and container of the test's namespace, then the image
    for id in $(c task ls -q 2>/dev/null); do
        c task kill --all --signal SIGKILL "$id"
    done
    for id in $(c container ls -q 2>/dev/null); do
        track_cgroup "/$NS/$id"
        wait_until 10 sh -c "! ${CTR[*]} task ls -q | grep -qx '$id'" || c task delete --force "$id"
        c container delete "$id"
    done
    c image rm "$IMG"
    # shim sockets containerd 1.6 keeps under /run/containerd/s are removed by the shims
}

task_status() {  # ID: RUNNING, STOPPED, PAUSED, ... (empty when there is no task)
    c task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}
task_pid() { c task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
wait_status() {  # ID STATUS [SECONDS]
    local i
    for ((i = 0; i < ${3:-10} * 10; i++)); do
        [[ $(task_status "$1") == "$2" ]] && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- steps

step_daemon() {
    start_daemon containerd "$T/containerd.log" containerd --config "$T/config.toml"
    on_exit containerd_cleanup    # runs before the daemon is stopped
    if ! wait_until 30 "${CTR[@]}" version; then
        tail -n 20 "$T/containerd.log" >&2
        bad "containerd did not answer on $SOCK"
        return 1
    fi
    run_ok "ctr version" c version
    expect_match "server answers" "$OUT" "Server:"
    # no TCP listener of ours, only the unix sockets
    local tcp
    tcp=$(ss -Hltnp 2>/dev/null | grep "pid=$DAEMON_PID," || true)
    expect_eq "containerd listens on no TCP port" "$tcp" ""
    make_docker_archive "$T/busybox.tar" "$IMG"
    run_ok "ctr images import (docker archive, no registry)" c images import "$T/busybox.tar"
    run_ok "image listed" c images ls -q
    expect_match "image name" "$OUT" "$IMG"
}

step_run_rm() {
    run_ok "ctr run --rm --runc-binary" c run --rm "${RUNFLAGS[@]}" "$IMG" r1 echo hello from runz
    expect_eq "output" "$OUT" "hello from runz"
    run_rc 42 "exit 42 propagated" c run --rm "${RUNFLAGS[@]}" "$IMG" r2 sh -c 'echo to-stderr >&2; exit 42'
    expect_eq "stderr" "$ERR" "to-stderr"
    run_rc any "missing executable" c run --rm "${RUNFLAGS[@]}" "$IMG" r3 /no/such/binary
    [[ $RC != 0 ]] && good "a missing executable fails ($RC)" || bad "a missing executable did not fail"
    # the shim reads runz's error from the --log file (json lines) into the reply
    expect_match "runz's error reaches ctr" "$ERR" "/no/such/binary"
    run_ok "ctr run with env, cwd" c run --rm "${RUNFLAGS[@]}" --env FOO=bar --cwd /tmp "$IMG" r4 sh -c 'echo "$FOO $(pwd)"'
    expect_eq "env, cwd" "$OUT" "bar /tmp"
    run_ok "ctr run --read-only --cap-drop" c run --rm "${RUNFLAGS[@]}" --read-only --cap-drop CAP_CHOWN "$IMG" r5 sh -c 'touch /x 2>/dev/null; echo "touch=$?"; chown 1 /tmp 2>/dev/null; echo "chown=$?"'
    expect_eq "read-only rootfs, no CAP_CHOWN" "$OUT" $'touch=1\nchown=1'
    c container delete r3 >/dev/null 2>&1
    run_ok "container list after --rm" c container ls -q
    expect_eq "no container left" "$OUT" ""
}

step_detached() {
    run_ok "ctr run -d" c run -d "${RUNFLAGS[@]}" "$IMG" d1 sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' || return 1
    wait_status d1 RUNNING || bad "d1 not RUNNING: $(task_status d1)"
    local pid
    pid=$(task_pid d1)
    expect_match "task pid" "$pid" "^[1-9][0-9]*$"
    [[ -d $RUNZ_ROOT/$NS/d1 ]] && good "runz state under the --runc-root" || bad "no $RUNZ_ROOT/$NS/d1 (runz --root from the shim options)"
    run_ok "task exec" c task exec "${EXECFLAGS[@]}" --exec-id e1 d1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
    expect_match "exec output, the container's pid 1" "$OUT" $'^in-exec\nsh -c trap'
    run_rc 7 "task exec exit 7" c task exec "${EXECFLAGS[@]}" --exec-id e2 d1 sh -c 'exit 7'
    run_ok "task exec --user --cwd" c task exec "${EXECFLAGS[@]}" --exec-id e3 --user 65534 --cwd /tmp d1 sh -c 'echo "$(id -u) $(pwd)"'
    expect_eq "exec user, cwd" "$OUT" "65534 /tmp"
    run_ok "task kill (SIGTERM)" c task kill d1
    wait_status d1 STOPPED 10 && good "stopped by SIGTERM" || bad "d1 not STOPPED after SIGTERM: $(task_status d1)"
    run_ok "task delete" c task delete d1
    expect_match "exit status 0 reported" "$OUT" "^(d1 +0)?$"
    run_ok "container delete" c container delete d1
    [[ ! -e $RUNZ_ROOT/$NS/d1 ]] && good "runz state removed" || bad "$RUNZ_ROOT/$NS/d1 left after delete"

    # busybox sleep as PID 1 ignores SIGTERM: SIGKILL, and kill --all
    run_ok "ctr run -d sleep" c run -d "${RUNFLAGS[@]}" "$IMG" d2 sh -c 'sleep 1000 & exec sleep 2000' || return 1
    wait_status d2 RUNNING
    run_ok "task kill -s SIGTERM" c task kill --signal SIGTERM d2
    sleep 0.5
    expect_eq "SIGTERM is ignored by sleep as pid 1" "$(task_status d2)" RUNNING
    run_ok "task kill --all -s SIGKILL" c task kill --all --signal SIGKILL d2
    wait_status d2 STOPPED 10 && good "stopped by SIGKILL" || bad "d2 not STOPPED: $(task_status d2)"
    run_ok "task delete" c task delete d2
    expect_match "killed: 137" "$OUT" "^(d2 +137)?$"
    run_ok "container delete" c container delete d2
}

step_tty() {
    local out rc
    expect_tty_session "run -t" "${CTR[@]}" run --rm -t "${RUNFLAGS[@]}" "$IMG" t1 sh

    run_ok "ctr run -d" c run -d "${RUNFLAGS[@]}" "$IMG" t2 sleep 1000 || return 1
    wait_status t2 RUNNING
    out=$(pty_run -r 30 -c 90 -w 30 -e '# ' -s 'tty; stty size; exit 4\n' -- \
        "${CTR[@]}" task exec "${EXECFLAGS[@]}" -t --exec-id x1 t2 sh)
    rc=$?
    out=${out//$'\r'/}
    expect_eq "exec -t exit status" "$rc" 4
    expect_match "exec gets a pty" "$out" $'\n/dev/pts/[0-9]+\n'
    expect_match "exec terminal size" "$out" $'\n30 90(\n|$)'
    c task kill --signal SIGKILL t2 >/dev/null 2>&1
    wait_status t2 STOPPED
    c task delete t2 >/dev/null 2>&1
    run_ok "container delete" c container delete t2
}

step_memory() {
    run_ok "ctr run -d --memory-limit 64m" c run -d "${RUNFLAGS[@]}" --memory-limit 67108864 "$IMG" m1 sleep 1000 || return 1
    wait_status m1 RUNNING
    local pid f
    pid=$(task_pid m1)
    f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    expect_eq "host: memory limit in $f" "$(cat "$f" 2>&1)" 67108864
    run_ok "cgroup path is containerd's /NS/ID" cat "/proc/$pid/cgroup"
    expect_match "cgroup /$NS/m1" "$OUT" "/$NS/m1"
    c task kill --signal SIGKILL m1 >/dev/null 2>&1
    wait_status m1 STOPPED
    c task delete m1 >/dev/null 2>&1
    run_ok "container delete" c container delete m1
}

step_pause() {
    need_verb pause resume || return
    run_ok "ctr run -d" c run -d "${RUNFLAGS[@]}" "$IMG" p1 sleep 1000 || return 1
    wait_status p1 RUNNING
    local pid f
    pid=$(task_pid p1)
    run_ok "task pause" c task pause p1
    expect_eq "status PAUSED" "$(task_status p1)" PAUSED
    if [[ -d /sys/fs/cgroup/freezer ]]; then
        f=$(cgroup_file "$pid" freezer freezer.state cgroup.freeze)
        expect_eq "host: $f" "$(cat "$f" 2>&1)" FROZEN
    else
        f=$(cgroup_file "$pid" none none cgroup.freeze)
        expect_eq "host: $f" "$(cat "$f" 2>&1)" 1
    fi
    run_ok "task resume" c task resume p1
    expect_eq "status RUNNING" "$(task_status p1)" RUNNING
    run_ok "exec after resume" c task exec "${EXECFLAGS[@]}" --exec-id px p1 echo thawed
    expect_eq "exec output" "$OUT" thawed
    c task kill --signal SIGKILL p1 >/dev/null 2>&1
    wait_status p1 STOPPED
    c task delete p1 >/dev/null 2>&1
    run_ok "container delete" c container delete p1
}

step_ps() {
    need_verb ps || return
    run_ok "ctr run -d" c run -d "${RUNFLAGS[@]}" "$IMG" s1 sh -c 'sleep 1000 & exec sleep 2000' || return 1
    wait_status s1 RUNNING
    local pid
    pid=$(task_pid s1)
    sleep 0.3
    run_ok "task ps" c task ps s1
    expect_match "task ps lists the init" "$OUT" $'\n'"$pid( |$)"
    expect_eq "task ps lists 2 processes" "$(tail -n +2 <<<"$OUT" | grep -c .)" 2
    c task kill --all --signal SIGKILL s1 >/dev/null 2>&1
    wait_status s1 STOPPED
    c task delete s1 >/dev/null 2>&1
    run_ok "container delete" c container delete s1
}

step_leftovers() {
    run_ok "task ls" c task ls -q
    expect_eq "no task left" "$OUT" ""
    run_ok "container ls" c container ls -q
    expect_eq "no container left" "$OUT" ""
    expect_eq "runz root empty" "$(ls -A "$RUNZ_ROOT/$NS" 2>/dev/null)" ""
    expect_eq "no rootfs mount left" "$(_mounts_under "$T/state")" ""
}

step_cri_config() {
    # The documented CRI snippet (docs/using-with-clients.md): containerd accepts it. Not run
    # under a kubelet here (no crictl, no CNI): only the configuration is checked.
    cat >"$T/cri.toml" <<EOF
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runz]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runz.options]
    BinaryName = "$RUNTIME"
EOF
    run_ok "containerd config dump" timeout 20 containerd --config "$T/cri.toml" config dump
    expect_match "the runz runtime is in the merged config" "$OUT" "runtimes\.runz\.options\]"$'\n'" *BinaryName = \"$RUNTIME\""
}

run_step "start containerd, import a busybox image" step_daemon
((FAILS == 0)) || finish    # nothing else can run
run_step "ctr run --rm: output, exit status, errors" step_run_rm
run_step "ctr run -d, task exec, kill, delete" step_detached
run_step "terminal: run -t, task exec -t" step_tty
run_step "--memory-limit" step_memory
run_step "task pause, resume" step_pause
run_step "task ps" step_ps
run_step "nothing left behind" step_leftovers
run_step "CRI runtime config (BinaryName) accepted" step_cri_config
finish
