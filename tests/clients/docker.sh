#!/usr/bin/env bash
# Docker (docker.io 20.10, Debian) drives runz through its containerd and
# containerd-shim-runc-v2: a dockerd started by the test (its own data-root, exec-root,
# pidfile, unix socket, no bridge, no iptables) with runz registered in a daemon.json
# "runtimes" entry, a busybox image from `docker import` of a local tarball (no registry),
# and `docker run --runtime runz --network none`.
. "$(dirname "$0")/lib.sh"

ensure_packages "dockerd containerd containerd-shim-runc-v2" docker.io

# The docker.io CLI matches its daemon; another `docker` earlier in PATH may be newer.
DOCKER_BIN=/usr/bin/docker
[[ -x $DOCKER_BIN ]] || DOCKER_BIN=$(command -v docker) || skip "no docker CLI after installing docker.io"

IMG=localhost/runz-busybox:latest
cgroup_parent docker           # dockerd with cgroupfs: /docker/ID
SOCK=$T/docker.sock
export DOCKER_CONFIG=$T/cli      # keep ~/.docker untouched
export DOCKER_HOST=unix://$SOCK

DRIVER=overlay2
[[ $(findmnt -no FSTYPE -T "$T" 2>/dev/null) == overlay ]] && DRIVER=vfs

# The documented way to register runz (docs/using-with-clients.md). dockerd 20.10 writes
# its libtrust key to /etc/docker/key.json unless told otherwise: keep it in the temp dir.
cat >"$T/daemon.json" <<EOF
{
  "runtimes": {
    "runz": { "path": "$RUNTIME" }
  },
  "deprecated-key-path": "$T/key.json"
}
EOF

dk() { timeout -k 5 "$CMD_TIMEOUT" "$DOCKER_BIN" "$@"; }
RUN=(--runtime runz --network none)

docker_cleanup() {
    local id
    for id in $(dk ps -aq --no-trunc 2>/dev/null); do
        track_id "$id"
        dk rm --force "$id"
    done
    dk rmi --force "$IMG"
}

cstate() { dk inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>/dev/null; }
cpid() { dk inspect --format '{{.State.Pid}}' "$1" 2>/dev/null; }
track() { track_id "$(dk inspect --format '{{.Id}}' "$1" 2>/dev/null)"; }

# ---------------------------------------------------------------- steps

step_daemon() {
    start_daemon dockerd "$T/dockerd.log" dockerd \
        --config-file "$T/daemon.json" \
        --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/docker.pid" \
        -H "unix://$SOCK" --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
        --userland-proxy=false --storage-driver "$DRIVER"
    on_exit docker_cleanup     # runs before dockerd is stopped
    if ! wait_until 60 "$DOCKER_BIN" version; then
        tail -n 20 "$T/dockerd.log" >&2
        bad "dockerd did not answer on $SOCK"
        return 1
    fi
    run_ok "docker info" dk info --format '{{json .Runtimes}}'
    expect_match "daemon.json registered runz" "$OUT" "\"runz\":\\{\"path\":\"$RUNTIME\""
    make_rootfs_tar "$T/rootfs.tar"
    run_ok "docker import" dk import "$T/rootfs.tar" "$IMG"
    run_ok "image listed" dk images --format '{{.Repository}}:{{.Tag}}'
    expect_match "image name" "$OUT" "$IMG"
}

step_run_rm() {
    run_ok "run --rm echo" dk run --rm "${RUN[@]}" "$IMG" echo hello from runz
    expect_eq "output" "$OUT" "hello from runz"
    run_rc 42 "run --rm exit 42" dk run --rm "${RUN[@]}" "$IMG" sh -c 'echo to-stderr >&2; exit 42'
    expect_eq "stderr" "$ERR" "to-stderr"
    run_ok "run with env, workdir, hostname" dk run --rm "${RUN[@]}" -e FOO=bar -w /tmp --hostname runzhost "$IMG" sh -c 'echo "$FOO $(pwd) $(hostname)"'
    expect_eq "env, cwd, hostname" "$OUT" "bar /tmp runzhost"
    run_ok "run --user --cap-drop ALL" dk run --rm "${RUN[@]}" --user 65534:65534 --cap-drop ALL "$IMG" sh -c 'id -u; id -g; grep CapBnd /proc/self/status'
    expect_match "user and no capabilities" "$OUT" $'^65534\n65534\nCapBnd:\t0000000000000000$'
    run_ok "ps -a" dk ps -aq
    expect_eq "no container left" "$OUT" ""
}

# dockerd turns the runtime's error text into an exit status: "executable file not found"
# or "no such file or directory" -> 127, "permission denied" -> 126, else 125 (run).
step_missing_executable() {
    run_rc 127 "run a command missing from PATH" dk run --rm "${RUN[@]}" "$IMG" nosuchcommand
    expect_match "the error names the command" "$ERR" "nosuchcommand"
    run_rc any "run a missing executable by path" dk run --rm "${RUN[@]}" "$IMG" /no/such/binary
    expect_match "the error names the binary" "$ERR" "/no/such/binary"
    # dockerd maps runc's "no such file or directory" wording to 127
    expect_eq "run /no/such/binary: exit status 127" "$RC" 127
    run_ok "run -d" dk run -d --name m1 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    track m1
    run_rc any "exec a missing executable" dk exec m1 /no/such/binary
    expect_match "exec of a missing executable fails with 126/127" "$RC" "^12[67]$"
    run_ok "rm -f" dk rm --force m1
}

step_detached() {
    run_ok "run -d" dk run -d --name d1 "${RUN[@]}" "$IMG" sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done' || return 1
    track d1
    expect_match "running" "$(cstate d1)" "^running 0$"
    local id
    id=$(dk inspect --format '{{.Id}}' d1)
    [[ -d $T/exec/runtime-runc/moby/$id ]] && good "runz state under <exec-root>/runtime-runc/moby (dockerd 20.10 names it after runc)" \
        || bad "no runz state in $T/exec/runtime-runc/moby/$id: $(ls "$T/exec" 2>&1 | tr '\n' ' ')"
    run_ok "exec" dk exec d1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
    expect_match "exec output, the container's pid 1" "$OUT" $'^in-exec\nsh -c echo started'
    run_rc 7 "exec exit 7" dk exec d1 sh -c 'exit 7'
    run_ok "exec --user --workdir --env" dk exec --user nobody --workdir /tmp --env A=b d1 sh -c 'echo "$(id -u) $(pwd) $A"'
    expect_eq "exec user, cwd, env" "$OUT" "65534 /tmp b"
    local t0=$SECONDS
    run_ok "stop (SIGTERM is honoured)" dk stop --time 20 d1
    (( SECONDS - t0 < 10 )) && good "stopped by SIGTERM in $((SECONDS - t0))s" || bad "stop took $((SECONDS - t0))s"
    expect_eq "exited 0" "$(cstate d1)" "exited 0"
    run_ok "logs" dk logs d1
    expect_eq "logs" "$OUT" "started"
    run_ok "start again" dk start d1
    expect_match "running again" "$(cstate d1)" "^running "
    run_ok "kill -s KILL" dk kill --signal KILL d1
    run_ok "wait" dk wait d1
    expect_eq "killed: 137" "$OUT" 137
    run_ok "rm" dk rm d1

    # busybox sleep as PID 1 ignores SIGTERM: stop -t 1 ends in SIGKILL
    run_ok "run -d sleep" dk run -d --name d2 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    track d2
    run_ok "stop -t 1" dk stop --time 1 d2
    expect_eq "killed after the timeout" "$(cstate d2)" "exited 137"
    run_ok "rm" dk rm d2
    run_ok "ps -a" dk ps -aq
    expect_eq "no container left" "$OUT" ""
}

step_tty() {
    local out rc
    expect_tty_session "run -it" "$DOCKER_BIN" run --rm -it "${RUN[@]}" "$IMG" sh

    run_ok "run -d" dk run -d --name t1 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    track t1
    out=$(pty_run -r 30 -c 90 -w 30 -e '# ' -s 'tty; stty size; exit 4\n' -- \
        "$DOCKER_BIN" exec -it t1 sh)
    rc=$?
    out=${out//$'\r'/}
    expect_eq "exec -it exit status" "$rc" 4
    expect_match "exec gets a pty" "$out" $'\n/dev/pts/[0-9]+\n'
    expect_match "exec terminal size" "$out" $'\n30 90(\n|$)'
    run_ok "rm -f" dk rm --force t1
}

step_resources() {
    run_ok "run -d --memory 64m --pids-limit 10" dk run -d --name r1 "${RUN[@]}" --memory 64m --pids-limit 10 "$IMG" sleep 1000 || return 1
    track r1
    local pid f
    pid=$(cpid r1)
    f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    expect_eq "host: memory limit in $f" "$(cat "$f" 2>&1)" 67108864
    f=$(cgroup_file "$pid" pids pids.max pids.max)
    expect_eq "host: pids limit in $f" "$(cat "$f" 2>&1)" 10
    run_ok "cgroup under /docker" cat "/proc/$pid/cgroup"
    expect_match "cgroup /docker/ID" "$OUT" "/docker/[0-9a-f]{64}"
    run_rc any "fork past the pids limit" dk exec r1 sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done 2>&1; wait'
    expect_match "the pids limit is enforced" "$OUT$ERR" "can't fork|Resource temporarily unavailable"
    run_ok "rm -f" dk rm --force r1
}

step_update() {
    need_verb update || return
    run_ok "run -d --memory 64m" dk run -d --name u1 "${RUN[@]}" --memory 64m --pids-limit 10 "$IMG" sleep 1000 || return 1
    track u1
    run_ok "update" dk update --memory 128m --memory-swap 256m --pids-limit 20 --cpu-shares 512 u1
    local pid f
    pid=$(cpid u1)
    f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    expect_eq "host: new memory limit in $f" "$(cat "$f" 2>&1)" 134217728
    f=$(cgroup_file "$pid" pids pids.max pids.max)
    expect_eq "host: new pids limit in $f" "$(cat "$f" 2>&1)" 20
    if [[ -d /sys/fs/cgroup/cpu ]]; then
        f=$(cgroup_file "$pid" cpu cpu.shares cpu.weight)
        expect_eq "host: new cpu shares in $f" "$(cat "$f" 2>&1)" 512
    fi
    run_ok "inspect" dk inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' u1
    expect_eq "docker recorded the update" "$OUT" "134217728 20"
    run_ok "rm -f" dk rm --force u1
}

step_pause() {
    need_verb pause resume || return
    run_ok "run -d" dk run -d --name p1 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    track p1
    run_ok "pause" dk pause p1
    expect_eq "paused" "$(cstate p1)" "paused 0"
    local pid f
    pid=$(cpid p1)
    if [[ -d /sys/fs/cgroup/freezer ]]; then
        f=$(cgroup_file "$pid" freezer freezer.state cgroup.freeze)
        expect_eq "host: $f" "$(cat "$f" 2>&1)" FROZEN
    fi
    run_ok "unpause" dk unpause p1
    expect_eq "running" "$(cstate p1)" "running 0"
    run_ok "exec after unpause" dk exec p1 echo thawed
    expect_eq "exec output" "$OUT" thawed
    run_ok "rm -f" dk rm --force p1
}

step_top() {
    need_verb ps || return
    run_ok "run -d" dk run -d --name tp "${RUN[@]}" "$IMG" sh -c 'sleep 1000 & exec sleep 2000' || return 1
    track tp
    sleep 0.3
    run_ok "top" dk top tp
    expect_match "top lists the init" "$OUT" "sleep 2000"
    expect_match "top lists the child" "$OUT" "sleep 1000"
    run_ok "rm -f" dk rm --force tp
}

step_leftovers() {
    run_ok "ps -a" dk ps -aq
    expect_eq "no container left" "$OUT" ""
    local root
    root=$(ls -d "$T"/exec/runtime-runc/moby 2>/dev/null)
    [[ -n $root ]] && expect_eq "runz root ($root) empty" "$(ls -A "$root")" ""
    expect_eq "no container mount left" "$(_mounts_under "$T/data" | grep -v '/overlay2$\|/netns/default$')" ""
}

run_step "start dockerd with runz in daemon.json, import a busybox image" step_daemon
((FAILS == 0)) || finish    # nothing else can run
run_step "run --rm: output, exit status, errors, user, caps" step_run_rm
run_step "a missing executable: exit status 127" step_missing_executable
run_step "run -d, exec, stop, logs, start, kill, rm" step_detached
run_step "terminal: run -it, exec -it" step_tty
run_step "--memory, --pids-limit" step_resources
run_step "update" step_update
run_step "pause, unpause" step_pause
run_step "top" step_top
run_step "nothing left behind" step_leftovers
finish
