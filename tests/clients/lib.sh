# shellcheck shell=bash
# lib.sh: shared helpers for the real-client tests (podman.sh, containerd.sh, docker.sh).
#
# Source it first thing in a client script:   . "$(dirname "$0")/lib.sh"
#
# Environment:
#   RUNTIME       the runz binary the clients drive (default: <repo>/build/runz)
#   CMD_TIMEOUT   seconds one client command may take before it is killed (default 60)
#   KEEP_TMP=1    keep the temp dir (daemons are still stopped, mounts still undone)
#   VERBOSE=1     trace the script (set -x)
#   NO_INSTALL=1  never apt-get install: skip when the client is missing
#
# Exit codes: 0 every step passed (some may be skipped with a printed reason),
#             1 a step failed, 77 the client cannot be installed or run here (skipped).
#
# A script is a list of steps:   run_step "name" function
# A step function checks with expect_* / run_ok / run_rc; each failed check is printed and
# counted, and the step goes on, so one failure does not hide the next. A step returns 77
# through skip_step "reason" when runz (or the host) cannot do it yet.
#
# Everything the test makes lives under $T. The EXIT trap runs the registered cleanups
# (on_exit, last registered first: stop containers, then the daemons by pid), then checks
# that nothing is left: no mount under $T, no process with $T in its command line, no
# cgroup and no runz state named after a container the test made. What it had to clean
# up itself is reported as LEAK and fails the test.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    echo "lib.sh is the shared helper library of the client tests, not a test" >&2
    exit 77
fi

set -u
set -o pipefail

CLIENT=$(basename "$0" .sh)
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LIB_DIR/../.." && pwd)
RUNTIME=${RUNTIME:-$REPO_DIR/build/runz}
CMD_TIMEOUT=${CMD_TIMEOUT:-60}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

[[ ${VERBOSE:-0} == 1 ]] && set -x

_T0=${EPOCHREALTIME/./}
_elapsed() { local now=${EPOCHREALTIME/./}; printf '%d.%01d' $(((now - _T0) / 1000000)) $(((now - _T0) / 100000 % 10)); }

log()  { printf '[clients.%s +%ss] %s\n' "$CLIENT" "$(_elapsed)" "$*" >&2; }
die()  { log "FAIL: $*"; exit 1; }
skip() { log "SKIP: $*"; exit 77; }

# ---------------------------------------------------------------- preconditions

[[ $(id -u) == 0 ]] || skip "the client tests need root"
[[ -x $RUNTIME ]] || skip "RUNTIME=$RUNTIME is not an executable (build runz, or set RUNTIME)"
RUNTIME=$(readlink -f "$RUNTIME")
BUSYBOX=${BUSYBOX:-/bin/busybox}
for _c in python3 timeout script sha256sum; do
    command -v "$_c" >/dev/null || skip "$_c is not installed"
done
unset _c

# ---------------------------------------------------------------- temp dir and cleanup

T=$(mktemp -d "/tmp/runz-clients.$CLIENT.XXXXXX") || die "mktemp"
chmod 755 "$T"
_CLEANUPS=()
_IDS=()           # container ids the test made (checked for leaked cgroups and runz state)
_CGROUPS=()       # cgroup paths (relative to a hierarchy) of containers with short ids
_DAEMON_PIDS=()   # daemons the test started
FAILS=0
_STEP_FAILS=0
_SUMMARY=()

# on_exit 'shell code': run at exit, last registered first
on_exit() { _CLEANUPS+=("$1"); }
# track_id ID: a container id (64 hex digits, as podman and Docker make them) to check for
# leftovers at the end: /run/runz/ID, and cgroups named ID, *-ID or *-ID.scope
track_id() { [[ $1 =~ ^[0-9a-f]{64}$ ]] && _IDS+=("$1"); return 0; }
# track_cgroup PATH: a container's cgroup path (e.g. /ns/id) to check in every hierarchy
track_cgroup() { [[ $1 == /?* ]] && _CGROUPS+=("$1"); return 0; }

_mounts_under() {  # mount points under $1, deepest first
    awk -v p="$1/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r | uniq
}
_procs_under() {   # pids whose command line names $1 (not ours)
    local p cmd
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ $p == "$$" || $p == "$BASHPID" ]] && continue
        { cmd=$(tr '\0' ' ' <"/proc/$p/cmdline"); } 2>/dev/null || continue
        [[ $cmd == *"$1"* ]] && echo "$p"
    done
}

# stop_pid PID NAME [SECONDS]: SIGTERM, wait, then SIGKILL (only this pid)
stop_pid() {
    local pid=$1 name=$2 secs=${3:-20} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        # a zombie child of ours counts as gone
        [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) ignored SIGTERM for ${secs}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# start_daemon NAME LOGFILE CMD...: start CMD in the background, stopped by pid at exit
start_daemon() {
    local name=$1 logf=$2; shift 2
    "$@" >"$logf" 2>&1 &
    local pid=$!
    _DAEMON_PIDS+=("$pid")
    on_exit "stop_pid $pid $name 30"
    DAEMON_PID=$pid
    log "started $name (pid $pid): $*"
}

_cleanup() {
    local rc=$? i leaks=() m p id d
    set +e
    trap - EXIT
    for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${_CLEANUPS[$i]}" >>"$T/cleanup.log" 2>&1
    done
    # leftovers: processes still naming $T (shims, conmon, daemons' children)
    for p in $(_procs_under "$T"); do
        leaks+=("process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-200)")
        kill -KILL "$p" 2>/dev/null
    done
    # container ids: runz state under /run/runz and cgroups named after them
    for id in "${_IDS[@]}"; do
        [[ -e /run/runz/$id ]] && leaks+=("runz state /run/runz/$id")
        while read -r d; do
            [[ -n $d ]] || continue
            leaks+=("cgroup $d")
            rmdir "$d" 2>/dev/null
        done < <(find /sys/fs/cgroup -maxdepth 5 -type d \( -name "$id" -o -name "*-$id" -o -name "*-$id.scope" \) 2>/dev/null)
    done
    for id in "${_CGROUPS[@]}"; do
        for d in /sys/fs/cgroup"$id" /sys/fs/cgroup/*"$id"; do
            [[ -d $d ]] || continue
            leaks+=("cgroup $d")
            rmdir "$d" 2>/dev/null
        done
    done
    # mounts under $T, deepest first
    for m in $(_mounts_under "$T"); do
        leaks+=("mount $m")
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    done
    _rmdir_cgroup_parents
    if [[ $(_mounts_under "$T") ]]; then
        log "could not unmount: $(_mounts_under "$T" | tr '\n' ' ')"
    fi
    if ((${#leaks[@]})); then
        for m in "${leaks[@]}"; do log "LEAK: $m"; done
        [[ $rc == 0 ]] && rc=1
    fi
    if [[ ${KEEP_TMP:-0} == 1 || -n $(_mounts_under "$T") ]]; then
        log "kept $T"
    else
        rm -rf "$T"
    fi
    exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# cgroup_parent NAME: the client makes a parent cgroup /NAME (libpod_parent, docker, a
# containerd namespace); once the leak checks have run, remove it in every hierarchy where it
# is empty (with empty cgroups under it, such as podman's libpod_parent/conmon)
_CG_PARENTS=()
cgroup_parent() { _CG_PARENTS+=("$1"); }
_rmdir_cgroup_parents() {
    local n d
    for n in "${_CG_PARENTS[@]}"; do
        for d in /sys/fs/cgroup/"$n" /sys/fs/cgroup/*/"$n"; do
            [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
    done
    return 0
}

# ---------------------------------------------------------------- steps and checks

# bad MESSAGE: a failed check (the step and the test fail, the step goes on)
bad() { log "  FAIL: $*"; _STEP_FAILS=$((_STEP_FAILS + 1)); }
good() { log "  ok: $*"; }

# skip_step REASON: inside a step function: `skip_step "..."; return`  (returns 77)
skip_step() { log "  SKIP: $*"; _SKIP_REASON=$*; return 77; }

# run_step NAME FUNCTION [ARGS...]
run_step() {
    local name=$1 rc t0=${EPOCHREALTIME/./} secs; shift
    log "== $name"
    _STEP_FAILS=0 _SKIP_REASON=
    "$@"
    rc=$?
    secs=$(awk -v a="$t0" -v b="${EPOCHREALTIME/./}" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
    if [[ $rc == 77 ]]; then
        _SUMMARY+=("SKIP  $name (${secs}s): $_SKIP_REASON")
    elif ((_STEP_FAILS > 0 || rc != 0)); then
        ((_STEP_FAILS == 0)) && log "  FAIL: step returned $rc"
        FAILS=$((FAILS + 1))
        _SUMMARY+=("FAIL  $name (${secs}s)")
    else
        _SUMMARY+=("pass  $name (${secs}s)")
    fi
    return 0
}

# finish: print the summary and exit 0 or 1
finish() {
    local s
    log "summary ($(_elapsed)s in all):"
    for s in "${_SUMMARY[@]}"; do printf '    %s\n' "$s" >&2; done
    if ((FAILS > 0)); then log "FAILED: $FAILS step(s)"; exit 1; fi
    log "PASS"
    exit 0
}

# run_rc WANT DESC CMD...: run CMD (a client wrapper puts its own timeout); its stdout lands in $OUT, its
# stderr in $ERR, its status in $RC; a status other than WANT ("any" accepts all) is a failure.
run_rc() {
    local want=$1 desc=$2; shift 2
    "$@" >"$T/.out" 2>"$T/.err" </dev/null
    RC=$?
    OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
    if [[ $want != any && $RC != "$want" ]]; then
        bad "$desc: exit status $RC, want $want   [$*]"
        [[ -n $OUT ]] && printf '      stdout: %s\n' "${OUT//$'\n'/$'\n'              }" >&2
        [[ -n $ERR ]] && printf '      stderr: %s\n' "${ERR//$'\n'/$'\n'              }" >&2
        return 1
    fi
    return 0
}
run_ok() { run_rc 0 "$@"; }

expect_eq() {  # DESC GOT WANT
    if [[ $2 == "$3" ]]; then good "$1"; else bad "$1: got '$2', want '$3'"; return 1; fi
}
expect_match() {  # DESC GOT EXTENDED-REGEX
    if [[ $2 =~ $3 ]]; then good "$1"; else bad "$1: '$2' does not match /$3/"; return 1; fi
}
expect_no_match() {  # DESC GOT EXTENDED-REGEX
    if [[ $2 =~ $3 ]]; then bad "$1: '$2' matches /$3/"; return 1; else good "$1"; fi
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_until() {
    local secs=$1 i; shift
    for ((i = 0; i < secs * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# has_verb VERB: runz implements VERB (it is listed in `runz --help`)
has_verb() { grep -qE "^ +$1( |,|$)" <<<"$("$RUNTIME" --help 2>/dev/null)"; }
# need_verb VERB...: skip the step with a reason when runz lacks one of the verbs
need_verb() {
    local v
    for v in "$@"; do
        has_verb "$v" || { skip_step "runz has no '$v' command yet (not in \`runz --help\`)"; return 77; }
    done
}

# ---------------------------------------------------------------- installing a client

# ensure_packages "CMD..." PKG...: install the Debian packages unless every CMD is there;
# skip (77) with the reason when that is impossible.
ensure_packages() {
    local cmds=$1 c missing=(); shift
    for c in $cmds; do command -v "$c" >/dev/null || missing+=("$c"); done
    ((${#missing[@]} == 0)) && return 0
    [[ ${NO_INSTALL:-0} == 1 ]] && skip "${missing[*]} missing and NO_INSTALL=1"
    command -v apt-get >/dev/null || skip "${missing[*]} missing and no apt-get to install $*"
    # client tests run in parallel (ctest -j) take turns at apt-get
    local lockdir=/run/lock
    [[ -d $lockdir ]] || lockdir=/tmp
    exec 9>"$lockdir/runz-clients-apt.lock"
    flock -w 900 9 || skip "waited 15 min for another client test's apt-get"
    missing=()
    for c in $cmds; do command -v "$c" >/dev/null || missing+=("$c"); done
    if ((${#missing[@]} == 0)); then exec 9>&-; return 0; fi
    log "installing $* (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get -o DPkg::Lock::Timeout=300 install -y -q)
    # Do not let the packages' maintainer scripts start system daemons: the test starts
    # its own, and nothing may be left running.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    local ok=0
    if "${apt[@]}" "$@" >"$T/apt.log" 2>&1; then
        ok=1
    else
        log "apt-get install failed; apt-get update and retry"
        if apt-get -o DPkg::Lock::Timeout=300 update -q >>"$T/apt.log" 2>&1 && "${apt[@]}" "$@" >>"$T/apt.log" 2>&1; then ok=1; fi
    fi
    ((made_policy)) && rm -f "$policy"
    exec 9>&-
    if ((!ok)); then
        tail -n 15 "$T/apt.log" >&2
        skip "cannot install $* from the Debian packages (see the apt-get output above)"
    fi
    for c in $cmds; do command -v "$c" >/dev/null || skip "$* installed but $c is still missing"; done
    log "installed $*"
}

# ---------------------------------------------------------------- a busybox image, no registry

# make_rootfs DIR: a busybox-static root file system with the applets as symlinks,
# /etc/passwd and /etc/group (root, nobody), and the usual empty mount points
make_rootfs() {
    local dir=$1 a
    if [[ ! -x $BUSYBOX ]] || ldd "$BUSYBOX" >/dev/null 2>&1; then
        ensure_packages "" busybox-static
        [[ -x $BUSYBOX ]] || skip "no static busybox at $BUSYBOX (apt-get install busybox-static)"
    fi
    mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,run,var/tmp}
    chmod 1777 "$dir/tmp" "$dir/var/tmp"
    cp "$BUSYBOX" "$dir/bin/busybox"
    for a in $("$BUSYBOX" --list); do
        [[ -e $dir/bin/$a ]] || ln -s busybox "$dir/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$dir/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
    : >"$dir/etc/hosts"; : >"$dir/etc/resolv.conf"
}

# make_rootfs_tar TAR: the rootfs above as an uncompressed tarball (for podman/docker import)
make_rootfs_tar() {
    make_rootfs "$T/image/rootfs"
    tar --numeric-owner -C "$T/image/rootfs" -cf "$1" . || die "tar of the rootfs"
}

# make_docker_archive ARCHIVE NAME:TAG: a `docker save` style archive of the rootfs (one
# layer), which `ctr images import` and `docker load` accept
make_docker_archive() {
    local out=$1 ref=$2 d="$T/image/archive" layer_sha cfg cfg_sha
    [[ -f $T/image/rootfs.tar ]] || make_rootfs_tar "$T/image/rootfs.tar"
    mkdir -p "$d"
    layer_sha=$(sha256sum "$T/image/rootfs.tar" | cut -d' ' -f1)
    mkdir -p "$d/$layer_sha"
    cp "$T/image/rootfs.tar" "$d/$layer_sha/layer.tar"
    cfg=$(printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"runz tests/clients: busybox-static"}]}' "$layer_sha")
    printf '%s' "$cfg" >"$d/config.json"
    cfg_sha=$(sha256sum "$d/config.json" | cut -d' ' -f1)
    mv "$d/config.json" "$d/$cfg_sha.json"
    printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$cfg_sha" "$ref" "$layer_sha" >"$d/manifest.json"
    tar --numeric-owner -C "$d" -cf "$out" manifest.json "$cfg_sha.json" "$layer_sha" || die "tar of the image archive"
}

# ---------------------------------------------------------------- a terminal

# pty_run [-r ROWS] [-c COLS] [-w SECONDS] [-e REGEX -s TEXT]... -- CMD...
# Runs CMD on a new pseudo-terminal of ROWSxCOLS; for each -e/-s pair waits until the
# output so far matches REGEX, then types TEXT (\n in TEXT is Enter). Prints everything
# CMD wrote, and exits with CMD's status (124 when it did not end within SECONDS).
cat >"$T/ptydrive.py" <<'PY'
import fcntl, os, pty, re, select, struct, sys, termios, time
args = sys.argv[1:]
rows, cols, wait_s, script = 40, 120, 30.0, []
while args and args[0] != "--":
    o, v = args[0], args[1]; args = args[2:]
    if o == "-r": rows = int(v)
    elif o == "-c": cols = int(v)
    elif o == "-w": wait_s = float(v)
    elif o == "-e": script.append([v, None])
    elif o == "-s": script[-1][1] = v.replace("\\n", "\r")
cmd = args[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
buf, deadline, status, mark = b"", time.time() + wait_s, None, 0
while True:
    if script and script[0][1] is not None:
        m = re.search(script[0][0].encode(), buf[mark:])
        if m:
            mark += m.end()
            os.write(fd, script.pop(0)[1].encode())
    left = deadline - time.time()
    if left <= 0:
        break
    r, _, _ = select.select([fd], [], [], min(left, 0.2))
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            break
        buf += data
    else:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            status = st
            # drain what is left
            while select.select([fd], [], [], 0.1)[0]:
                try:
                    d = os.read(fd, 4096)
                except OSError:
                    break
                if not d: break
                buf += d
            break
sys.stdout.write(buf.decode(errors="replace"))
sys.stdout.flush()
if status is None:
    deadline2 = time.time() + 2
    while time.time() < deadline2:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            status = st
            break
        time.sleep(0.05)
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit(124)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
PY
pty_run() { python3 "$T/ptydrive.py" "$@"; }

# ---------------------------------------------------------------- cgroups

# cgroup_file PID CONTROLLER FILE-V1 FILE-V2: the host path of a cgroup file of PID's
# cgroup (v1 hierarchy of CONTROLLER when mounted, else the unified hierarchy)
cgroup_file() {
    local pid=$1 ctl=$2 f1=$3 f2=$4 path
    if [[ -d /sys/fs/cgroup/$ctl ]]; then
        path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup/$ctl$path/$f1"
    else
        path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
        local base=/sys/fs/cgroup
        [[ -f $base/cgroup.controllers ]] || base=/sys/fs/cgroup/unified
        echo "$base$path/$f2"
    fi
}

# host facts worth printing once
log "runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n1)); temp dir $T"

# expect_tty_session WHAT CMD...: CMD gives an interactive shell on a 40x120 pty; type a
# few commands into it and check the pty, the size, the typed input and the exit status.
expect_tty_session() {
    local what=$1 out rc
    shift
    out=$(pty_run -r 40 -c 120 -w 30 -e '# ' -s 'tty; stty size; echo "x$((6*7))"; exit 5\n' -- "$@")
    rc=$?
    out=${out//$'\r'/}
    expect_eq "$what exit status" "$rc" 5
    expect_match "a pty is the container's stdin" "$out" $'\n/dev/pts/[0-9]+\n'
    expect_match "the terminal size is passed on" "$out" $'\n40 120\n'
    expect_match "typed input runs" "$out" $'\nx42(\n|$)'
}

# ---------------------------------------------------------------- podman

# podman_setup RUNTIME ULIMITS: podman with its own storage under $T and a containers.conf
# (CONTAINERS_CONF) that makes RUNTIME the default runtime, named "runz" (ULIMITS: the TOML
# list for default_ulimits); `pm` runs it; whatever it made is removed at exit.
podman_setup() {
    local runtime=$1 ulimits=$2 driver=overlay
    # overlay storage unless the temp dir is itself on overlayfs (then vfs)
    [[ $(findmnt -no FSTYPE -T "$T" 2>/dev/null) == overlay ]] && driver=vfs
    export CONTAINERS_CONF=$T/containers.conf
    cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = $ulimits

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
runtime = "runz"
# podman passes --log-format=json only to the runtimes named here
runtime_supports_json = ["runz", "crun", "runc"]

[engine.runtimes]
runz = ["$runtime"]
EOF
    PODMAN=(podman --root "$T/storage" --runroot "$T/runroot" --tmpdir "$T/libpod" --storage-driver "$driver")
    cgroup_parent libpod_parent    # podman with cgroupfs: /libpod_parent/{conmon,libpod-ID}
    on_exit podman_cleanup
}
pm() { timeout -k 5 "$CMD_TIMEOUT" "${PODMAN[@]}" "$@"; }
podman_cleanup() {
    pm rm --all --force --time 0 >/dev/null 2>&1
    pm rmi --all --force >/dev/null 2>&1
    # every container podman made, from its event log: checked for leftover state and cgroups
    local id
    for id in $(grep -oE '"ID":"[0-9a-f]{64}"' "$T/events.log" 2>/dev/null | cut -d'"' -f4 | sort -u); do
        track_id "$id"
    done
}
