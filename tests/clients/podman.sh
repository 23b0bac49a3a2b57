#!/usr/bin/env bash
# podman (4.3 + conmon, Debian) drives runz: podman --runtime $RUNTIME, with its own
# storage under a temp dir, a containers.conf of its own (CONTAINERS_CONF) and a busybox
# image imported from a local tarball (no registry).
. "$(dirname "$0")/lib.sh"

ensure_packages "podman conmon" podman

IMG=localhost/runz-busybox:latest

# ---------------------------------------------------------------- configuration

# Rlimits podman asks for (nofile/nproc 1048576 as root) cannot be raised above the hard
# limit without CAP_SYS_RESOURCE (missing here): ask for what the host allows. podman
# itself runs conmon and the runtime with a lower nproc hard limit (32768 here, whatever
# `ulimit -Hu` says), so nproc gets a fixed, modest value.
hard_nofile=$(ulimit -Hn)
[[ $hard_nofile == unlimited || $hard_nofile -gt 1048576 ]] && hard_nofile=1048576
soft_nofile=$((hard_nofile < 1024 ? hard_nofile : 1024))
podman_setup "$RUNTIME" "[\"nofile=$soft_nofile:$hard_nofile\", \"nproc=4096:4096\"]"
RUN=(--runtime "$RUNTIME" --pull never --network none)


# ---------------------------------------------------------------- steps

step_setup() {
    make_rootfs_tar "$T/rootfs.tar"
    run_ok "podman import" pm import "$T/rootfs.tar" "$IMG" || return 1
    run_ok "podman info" pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
    expect_eq "containers.conf made runz the default runtime" "$OUT" "runz $RUNTIME"
    run_ok "podman info (version probe)" pm info --format '{{.Host.OCIRuntime.Version}}'
    expect_match "podman probed runz --version" "$OUT" "runz"
    run_ok "run without --runtime" pm run --name dflt --pull never --network none "$IMG" true
    run_ok "inspect" pm inspect --format '{{.OCIRuntime}}' dflt
    expect_eq "the containers.conf default runtime ran it" "$OUT" "runz"
    run_ok "rm" pm rm dflt
}

step_run_rm() {
    run_ok "run --rm echo" pm run --rm "${RUN[@]}" "$IMG" echo hello from runz
    expect_eq "output" "$OUT" "hello from runz"
    run_rc 42 "run --rm exit 42" pm run --rm "${RUN[@]}" "$IMG" sh -c 'echo to-stderr >&2; exit 42'
    expect_eq "stderr reaches podman's stderr" "$ERR" "to-stderr"
    run_ok "run with env and workdir" pm run --rm "${RUN[@]}" -e FOO=bar -w /tmp "$IMG" sh -c 'echo "$FOO $(pwd) $(hostname)"'
    expect_match "env, cwd, hostname" "$OUT" "^bar /tmp [0-9a-f]{12}$"
    run_ok "run with --hostname and a read-only rootfs" pm run --rm "${RUN[@]}" --hostname runzhost --read-only "$IMG" sh -c 'hostname; touch /x 2>&1; echo rc=$?'
    expect_match "hostname and read-only" "$OUT" $'^runzhost\n.*Read-only file system\nrc=1$'
}

# podman turns the runtime's error text into an exit status: "no such file or directory" or
# "executable file not found" -> 127, "permission denied" -> 126, anything else -> 126 (run)
# or 255 (exec). runc says 'exec: "/x": stat /x: no such file or directory'.
step_missing_executable() {
    run_rc any "run a command missing from PATH" pm run --rm "${RUN[@]}" "$IMG" nosuchcommand
    expect_eq "run nosuchcommand: exit status 127" "$RC" 127
    expect_match "the error names the command" "$ERR" "nosuchcommand"
    run_rc any "run a missing executable by path" pm run --rm "${RUN[@]}" "$IMG" /no/such/binary
    expect_match "the error names the binary" "$ERR" "/no/such/binary"
    # podman maps runc's "no such file or directory" wording to 127
    expect_eq "run /no/such/binary: exit status 127" "$RC" 127
    # after the failed create podman runs `runz delete --force ID`: quiet success, as runc's
    if [[ $ERR == *"does not exist"* ]]; then
        bad "podman's cleanup 'delete --force' of a container already gone failed: $ERR"
    else
        good "no error from the cleanup after a failed create"
    fi
    run_ok "run -d" pm run -d --name m1 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    run_rc any "exec a command missing from PATH" pm exec m1 nosuchcommand
    expect_eq "exec nosuchcommand: exit status 127" "$RC" 127
    run_rc any "exec a missing executable by path" pm exec m1 /no/such/binary
    expect_eq "exec /no/such/binary: exit status 127" "$RC" 127
    run_ok "rm -f" pm rm --force --time 0 m1
}

step_detached() {
    # a process that ends on SIGTERM: podman stop is quick and the exit status is 0
    run_ok "run -d" pm run -d --name d1 "${RUN[@]}" "$IMG" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
    run_ok "inspect" pm inspect --format '{{.State.Status}} {{.State.Pid}}' d1
    expect_match "running with a pid" "$OUT" "^running [1-9][0-9]*$"
    run_ok "exec" pm exec d1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
    expect_match "exec output and the container's pid 1" "$OUT" $'^in-exec\nsh -c trap'
    run_rc 7 "exec exit 7" pm exec d1 sh -c 'exit 7'
    run_ok "exec --user --workdir --env" pm exec --user nobody --workdir /tmp --env A=b d1 sh -c 'echo "$(id -u) $(pwd) $A"'
    expect_eq "exec user, cwd, env" "$OUT" "65534 /tmp b"
    local t0=$SECONDS
    run_ok "stop (SIGTERM is honoured)" pm stop --time 20 d1
    (( SECONDS - t0 < 10 )) && good "stopped by SIGTERM in $((SECONDS - t0))s" || bad "stop took $((SECONDS - t0))s"
    run_ok "inspect after stop" pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' d1
    expect_eq "exited with 0" "$OUT" "exited 0"
    run_rc any "exec into a stopped container" pm exec d1 true
    [[ $RC != 0 ]] && good "exec into a stopped container fails" || bad "exec into a stopped container succeeded"
    run_ok "rm" pm rm d1

    # busybox sleep as PID 1 ignores SIGTERM: stop -t 1 ends in SIGKILL (137)
    run_ok "run -d sleep" pm run -d --name d2 "${RUN[@]}" "$IMG" sleep 1000
    run_ok "stop -t 1" pm stop --time 1 d2
    run_ok "inspect" pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' d2
    expect_eq "killed after the timeout" "$OUT" "exited 137"
    run_ok "start again" pm start d2
    run_ok "inspect" pm inspect --format '{{.State.Status}}' d2
    expect_eq "restarted" "$OUT" "running"
    run_ok "kill -s KILL" pm kill --signal KILL d2
    run_ok "wait" pm wait d2
    expect_eq "wait reports 137" "$OUT" "137"
    run_ok "rm" pm rm d2
    run_ok "ps -a" pm ps -a --format '{{.Names}}'
    expect_eq "no container left" "$OUT" ""
}

step_run_it() {
    expect_tty_session "run -it" "${PODMAN[@]}" run --rm -it "${RUN[@]}" "$IMG" sh
}

step_exec_it() {
    local out rc
    run_ok "run -d" pm run -d --name e1 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    out=$(pty_run -r 30 -c 90 -w 30 -e '# ' -s 'tty; stty size; id -u; exit 4\n' -- \
        "${PODMAN[@]}" exec -it e1 sh)
    rc=$?
    out=${out//$'\r'/}
    expect_eq "exec -it exit status" "$rc" 4
    expect_match "exec gets a pty" "$out" $'\n/dev/pts/[0-9]+\n'
    expect_match "exec terminal size" "$out" $'\n30 90\n'
    expect_match "exec runs as root" "$out" $'\n0(\n|$)'
    out=$(pty_run -w 30 -- "${PODMAN[@]}" exec -it --user nobody e1 id -un)
    rc=$?
    expect_eq "exec -it --user nobody: status" "$rc" 0
    expect_eq "exec -it --user nobody" "$(tr -d '\r\0' <<<"$out")" nobody
    run_ok "rm -f" pm rm --force --time 0 e1
}

step_resources() {
    run_ok "run -d --memory 64m --pids-limit 10" pm run -d --name r1 "${RUN[@]}" --memory 64m --pids-limit 10 "$IMG" sleep 1000 || return 1
    run_ok "inspect pid" pm inspect --format '{{.State.Pid}}' r1
    local pid=$OUT f
    f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    expect_eq "host: memory limit in $f" "$(cat "$f" 2>&1)" 67108864
    f=$(cgroup_file "$pid" pids pids.max pids.max)
    expect_eq "host: pids limit in $f" "$(cat "$f" 2>&1)" 10
    if [[ -d /sys/fs/cgroup/memory ]]; then
        run_ok "container view (v1)" pm exec r1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
    else
        run_ok "container view (v2)" pm exec r1 cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
    fi
    expect_eq "the container sees its limits" "$OUT" $'67108864\n10'
    run_rc any "fork past the pids limit" pm exec r1 sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done 2>&1; wait; echo done'
    expect_match "the pids limit is enforced" "$OUT$ERR" "can't fork|Resource temporarily unavailable"
    run_ok "rm -f" pm rm --force --time 0 r1
}

step_user() {
    run_ok "run --user 65534:65534" pm run --rm "${RUN[@]}" --user 65534:65534 "$IMG" id
    expect_eq "numeric user" "$OUT" "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
    run_ok "run --user nobody" pm run --rm "${RUN[@]}" --user nobody "$IMG" sh -c 'id -u; id -g'
    expect_eq "user by name (/etc/passwd)" "$OUT" $'65534\n65534'
    run_ok "run --user 1234:5678 --group-add 99" pm run --rm "${RUN[@]}" --user 1234:5678 --group-add 99 "$IMG" id
    expect_match "uid, gid, supplementary group" "$OUT" "^uid=1234(\\(1234\\))? gid=5678(\\(5678\\))? groups=(.*,)?99(,|$)"
    run_ok "non-root has no capabilities" pm run --rm "${RUN[@]}" --user 1234 "$IMG" grep CapEff /proc/self/status
    expect_match "CapEff of uid 1234" "$OUT" "0000000000000000$"
}

step_caps() {
    run_ok "default capabilities" pm run --rm "${RUN[@]}" "$IMG" grep CapBnd /proc/self/status
    expect_no_match "some capabilities by default" "$OUT" "0000000000000000$"
    run_ok "--cap-drop all" pm run --rm "${RUN[@]}" --cap-drop all "$IMG" grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
    expect_eq "every set empty" "$(awk '{print $2}' <<<"$OUT" | sort -u)" "0000000000000000"
    run_rc 1 "--cap-drop all: chown is denied" pm run --rm "${RUN[@]}" --cap-drop all "$IMG" chown 1 /tmp
    run_ok "--cap-drop all --cap-add CHOWN" pm run --rm "${RUN[@]}" --cap-drop all --cap-add CHOWN "$IMG" sh -c 'grep CapEff /proc/self/status; chown 1 /tmp && echo chowned'
    expect_match "only CAP_CHOWN" "$OUT" $'0000000000000001\nchowned$'
}

step_pause() {
    need_verb pause resume || return
    run_ok "run -d" pm run -d --name p1 "${RUN[@]}" "$IMG" sleep 1000 || return 1
    run_ok "pause" pm pause p1
    run_ok "inspect" pm inspect --format '{{.State.Status}} {{.State.Pid}}' p1
    expect_match "paused" "$OUT" "^paused "
    local pid=${OUT#* } f
    if [[ -d /sys/fs/cgroup/freezer ]]; then
        f=$(cgroup_file "$pid" freezer freezer.state cgroup.freeze)
        expect_eq "host: $f" "$(cat "$f" 2>&1)" FROZEN
    else
        f=$(cgroup_file "$pid" none none cgroup.freeze)
        expect_eq "host: $f" "$(cat "$f" 2>&1)" 1
    fi
    run_rc any "exec into a paused container" pm exec p1 true
    [[ $RC != 0 ]] && good "exec into a paused container fails" || bad "exec into a paused container succeeded"
    run_ok "unpause" pm unpause p1
    run_ok "inspect" pm inspect --format '{{.State.Status}}' p1
    expect_eq "running again" "$OUT" "running"
    run_ok "exec after unpause" pm exec p1 echo thawed
    expect_eq "exec output" "$OUT" "thawed"
    run_ok "rm -f" pm rm --force --time 0 p1
}

step_top() {
    run_ok "run -d" pm run -d --name t1 "${RUN[@]}" "$IMG" sh -c 'sleep 1000 & exec sleep 2000' || return 1
    run_ok "top" pm top t1
    expect_match "top lists both processes" "$OUT" "sleep 2000"
    expect_match "top lists the child" "$OUT" "sleep 1000"
    run_ok "top pid args" pm top t1 pid args
    expect_match "pid 1 is the container's init" "$OUT" $'\n1 +sleep 2000'
    run_ok "rm -f" pm rm --force --time 0 t1
}

step_logs() {
    run_ok "run -d" pm run -d --name l1 "${RUN[@]}" "$IMG" sh -c 'echo out-line; echo err-line >&2; exit 3' || return 1
    run_ok "wait" pm wait l1
    expect_eq "exit status through wait" "$OUT" 3
    run_ok "logs" pm logs l1
    expect_eq "stdout in the log" "$OUT" "out-line"
    expect_eq "stderr in the log" "$ERR" "err-line"
    run_ok "rm" pm rm l1
}

step_update() {
    need_verb update || return
    run_ok "run -d --memory 64m" pm run -d --name u1 "${RUN[@]}" --memory 64m "$IMG" sleep 1000 || return 1
    run_ok "update --memory 128m --cpu-shares 512" pm update --memory 128m --cpu-shares 512 u1
    run_ok "inspect pid" pm inspect --format '{{.State.Pid}}' u1
    local pid=$OUT f
    f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    expect_eq "host: new memory limit in $f" "$(cat "$f" 2>&1)" 134217728
    if [[ -d /sys/fs/cgroup/cpu ]]; then
        f=$(cgroup_file "$pid" cpu cpu.shares cpu.weight)
        expect_eq "host: new cpu shares in $f" "$(cat "$f" 2>&1)" 512
    fi
    run_ok "rm -f" pm rm --force --time 0 u1
}

# The vm kind under podman: an image holding only a bare-metal PVH guest. podman sees an
# ordinary container: output, exit status, logs, stop.
step_vm_guest() {
    command -v qemu-system-x86_64 >/dev/null || { skip_step "qemu-system-x86_64 is not installed"; return; }
    local vimg=localhost/runz-pvh-guest:latest
    bash "$LIB_DIR/../guests/build.sh" "$T/guests" >/dev/null || { bad "building the test guests"; return 1; }
    mkdir -p "$T/vmimage" && cp "$T/guests/hello.elf" "$T/guests/spin.elf" "$T/vmimage/"
    tar --numeric-owner -C "$T/vmimage" -cf "$T/vmimage.tar" . || { bad "tar of the guest image"; return 1; }
    run_ok "podman import (guest image)" pm import "$T/vmimage.tar" "$vimg" || return 1
    run_rc 7 "run --rm a PVH guest that exits with 7" pm run --rm "${RUN[@]}" "$vimg" /hello.elf exit=7
    expect_match "the guest's console on stdout" "$OUT" "hello from a runz guest"
    run_ok "run -d a guest that runs until stopped" pm run -d --name vm1 "${RUN[@]}" "$vimg" /spin.elf || return 1
    vm1_printed() { pm logs vm1 2>&1 | grep -q spinning; }
    wait_until 10 vm1_printed || bad "no guest output in podman logs after 10 s"
    run_ok "logs" pm logs vm1
    expect_match "the guest console in podman logs" "$OUT" "spinning"
    run_rc any "exec into a VM container fails" pm exec vm1 /hello.elf
    expect_match "the exec error says why" "$ERR" "vm"
    run_ok "stop --time 2 (no ACPI in this guest: SIGTERM, then SIGKILL)" pm stop --time 2 vm1
    run_ok "rm" pm rm vm1
    run_ok "rmi" pm rmi "$vimg"
}

run_step "setup: import a busybox image, runz from containers.conf" step_setup
((FAILS == 0)) || finish    # nothing else can run
run_step "run --rm: output, exit status, errors" step_run_rm
run_step "a missing executable: exit status 127" step_missing_executable
run_step "run -d, exec, stop, start, kill, rm" step_detached
run_step "run -it (terminal)" step_run_it
run_step "exec -it (terminal)" step_exec_it
run_step "--memory, --pids-limit" step_resources
run_step "--user" step_user
run_step "--cap-drop all, --cap-add" step_caps
run_step "pause, unpause" step_pause
run_step "top" step_top
run_step "logs" step_logs
run_step "update" step_update
run_step "a VM-isolated guest (vm kind)" step_vm_guest
finish
