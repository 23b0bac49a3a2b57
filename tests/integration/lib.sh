# shellcheck shell=bash
# lib.sh: shared helpers for the runz black-box integration tests.
#
# Source it first thing in a test:   . "$(dirname "$0")/lib.sh"
#
# Environment:
#   RUNTIME       runtime binary under test (default: <repo>/build/runz; e.g. /usr/sbin/runc)
#   SPEC_RUNTIME  binary whose `spec` writes the bundles' config.json (default: $RUNTIME)
#   RT_TIMEOUT    seconds one runtime call may take before it is killed (default 30)
#   KEEP_TMP=1    keep the per-test temp dir after the test (for debugging)
#   VERBOSE=1     trace the test script (set -x)
#
# Exit codes: 0 pass, 77 skip, anything else fail.
#
# Everything a test makes lives under $T (a fresh temp dir).  The EXIT trap deletes every
# container the test created (delete --force), kills any process still carrying the test's
# marker environment variable or living in one of its cgroups, removes its cgroups, network
# namespaces, mounts under $T and $T itself.  If the runtime left processes or mounts behind
# after `delete --force`, a passing test is turned into a failure ("LEAK: ...").

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    echo "lib.sh is the shared helper library of the integration tests, not a test" >&2
    exit 77
fi

set -u
set -o pipefail

TEST_NAME=$(basename "$0" .sh)
TEST_NAME=${TEST_NAME//[^A-Za-z0-9_.-]/_}
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ ${VERBOSE:-0} == 1 ]]; then set -x; fi

# ---------------------------------------------------------------- reporting

log()  { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
fail() {
    printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2
    # inside $(...) or a ( ) subshell: make the test itself fail too
    [[ $BASHPID != "$$" ]] && kill -USR1 "$$" 2>/dev/null
    exit 1
}
skip() { printf '[%s] SKIP: %s\n' "$TEST_NAME" "$*" >&2; exit 77; }
pass() { printf '[%s] PASS\n' "$TEST_NAME" >&2; exit 0; }

# ---------------------------------------------------------------- preconditions

if [[ -z ${RUNTIME:-} ]]; then
    RUNTIME=$(cd "$LIB_DIR/../.." && pwd)/build/runz
fi
[[ -x $RUNTIME ]] || skip "RUNTIME=$RUNTIME is not an executable (set RUNTIME=/path/to/runz or /usr/sbin/runc)"
[[ $(id -u) == 0 ]] || skip "integration tests need root"
command -v jq >/dev/null || skip "jq is not installed (apt-get install jq)"
command -v python3 >/dev/null || skip "python3 is not installed"
BUSYBOX=${BUSYBOX:-/bin/busybox}
[[ -x $BUSYBOX ]] || skip "$BUSYBOX missing (apt-get install busybox-static)"
if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
    # file(1) may be missing; ldd is the fallback check
    if ldd "$BUSYBOX" >/dev/null 2>&1; then skip "$BUSYBOX is not statically linked (apt-get install busybox-static)"; fi
fi
RT_TIMEOUT=${RT_TIMEOUT:-30}

# ---------------------------------------------------------------- per-test state

MARK="${TEST_NAME}-$$"                       # unique token of this test run
T=$(mktemp -d "/tmp/runz-itest.${TEST_NAME}.XXXXXX") || fail "mktemp"
chmod 755 "$T"
ROOT="$T/state/root"                          # the runtime's --root
mkdir -p "$ROOT"
: >"$T/.ids"; : >"$T/.cgroups"; : >"$T/.netns"; : >"$T/.pids"; : >"$T/.mounts"
echo 0 >"$T/.counter"
MOUNTS_BEFORE=$(awk '{print $5}' /proc/self/mountinfo | sort)

_next() { local n; n=$(($(cat "$T/.counter") + 1)); echo "$n" >"$T/.counter"; echo "$n"; }

# rt ARGS...: the runtime with this test's --root (and a timeout so a hang cannot wedge CI)
rt() { timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@"; }

# new_id [SUFFIX]: print a fresh container id and remember it for cleanup
new_id() {
    local id="${MARK}-$(_next)${1:+-$1}"
    echo "$id" >>"$T/.ids"
    echo "$id"
}
# track_id ID: remember an id made by hand (e.g. a hostile one) for cleanup
track_id() { printf '%s\n' "$1" >>"$T/.ids"; }

# ---------------------------------------------------------------- bundles

_make_template_rootfs() {
    local r="$T/.rootfs-template"
    [[ -d $r ]] && return 0
    mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,root,mnt,home,var,run,usr/bin,usr/sbin}
    chmod 1777 "$r/tmp"
    cp "$BUSYBOX" "$r/bin/busybox"
    # like `busybox --install -s rootfs/bin`, but the links must point at /bin/busybox as
    # seen inside the container (--install would link to the host path of the binary)
    local a
    for a in $("$BUSYBOX" --list); do
        [[ $a == busybox || -e $r/bin/$a ]] || ln -s /bin/busybox "$r/bin/$a"
    done
    [[ -L $r/bin/sh ]] || fail "busybox --list gave no sh applet"
    cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
tester:x:1000:1000:tester:/home:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
tty:x:5:
wheel:x:10:
users:x:100:
tester:x:1000:
nogroup:x:65534:
EOF
    echo "runz-itest" >"$r/etc/hostname"
}

# new_bundle [NAME]: build a bundle dir (busybox rootfs + config.json from `$RUNTIME spec`)
# and print its path.  The config is adjusted for tests: terminal false, rootfs writable,
# args ["true"], a marker env var (for leak detection) and a unique linux.cgroupsPath.
new_bundle() {
    local n; n=$(_next)
    local b="$T/bundle-${1:-b}-$n"
    _make_template_rootfs
    mkdir -p "$b"
    cp -a "$T/.rootfs-template" "$b/rootfs"
    local spec_rt=${SPEC_RUNTIME:-$RUNTIME}
    "$spec_rt" spec --bundle "$b" >/dev/null 2>"$T/.spec.err" ||
        (cd "$b" && "$spec_rt" spec >/dev/null 2>>"$T/.spec.err") ||
        fail "'$spec_rt spec' failed: $(cat "$T/.spec.err")"
    [[ -s $b/config.json ]] || fail "'$spec_rt spec' wrote no config.json in $b"
    local cg="/runz-itest-${MARK}-$n"
    echo "$cg" >>"$T/.cgroups"
    jq --arg mark "RUNZ_ITEST=$MARK" --arg cg "$cg" '
        .process.terminal = false
        | .process.args = ["true"]
        | .process.env += [$mark]
        | .root.readonly = false
        | .linux.cgroupsPath = $cg
    ' "$b/config.json" >"$b/config.json.new" || fail "jq could not edit $b/config.json"
    mv "$b/config.json.new" "$b/config.json"
    echo "$b"
}

# set_config BUNDLE JQ_EXPR [JQ_ARGS...]: edit BUNDLE/config.json in place with jq
#   set_config "$b" '.hostname = $h' --arg h myhost
set_config() {
    local b=$1 expr=$2; shift 2
    jq "$@" "$expr" "$b/config.json" >"$b/config.json.new" ||
        fail "set_config: jq '$expr' failed"
    mv "$b/config.json.new" "$b/config.json"
}

# set_args BUNDLE ARG...: set process.args
set_args() {
    local b=$1; shift
    set_config "$b" '.process.args = $a' --argjson a "$(json_array "$@")"
}

# json_array ARG...: print the args as a JSON array of strings
json_array() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"; }

# set_sh BUNDLE SCRIPT: process.args = ["sh","-c",SCRIPT]
set_sh() { set_args "$1" sh -c "$2"; }

# marker_env: the env entry every container process carries ("RUNZ_ITEST=<mark>")
marker_env() { echo "RUNZ_ITEST=$MARK"; }

# ---------------------------------------------------------------- running things

# run_cap CMD...: run CMD with stdin </dev/null; sets RC, OUT (stdout), ERR (stderr)
run_cap() {
    "$@" >"$T/.out" 2>"$T/.err" </dev/null
    RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
    return 0
}

# state_json ID: print `state ID` output (fails the test if state fails)
state_json() {
    local s
    s=$(rt state "$1" 2>&1) || fail "state $1 failed: $s"
    echo "$s"
}
# state_field ID FIELD: one field of the state JSON (jq path without the dot: status, pid, ...)
state_field() { state_json "$1" | jq -r ".$2"; }

# wait_status ID STATUS [SECONDS]: poll `state` until status is STATUS
wait_status() {
    local id=$1 want=$2 secs=${3:-10} i s=
    for ((i = 0; i < secs * 20; i++)); do
        s=$(rt state "$id" 2>/dev/null | jq -r .status 2>/dev/null)
        [[ $s == "$want" ]] && return 0
        sleep 0.05
    done
    fail "container $id did not reach status '$want' within ${secs}s (last: '${s:-<no state>}')"
}

# wait_file PATH [SECONDS]: wait until PATH exists
wait_file() {
    local p=$1 secs=${2:-10} i
    for ((i = 0; i < secs * 20; i++)); do
        [[ -e $p ]] && return 0
        sleep 0.05
    done
    fail "file $p did not appear within ${secs}s"
}

# wait_gone PID [SECONDS]
wait_gone() {
    local p=$1 secs=${2:-10} i
    for ((i = 0; i < secs * 20; i++)); do
        kill -0 "$p" 2>/dev/null || return 0
        # a zombie that nobody reaps still counts as gone for our purposes
        [[ $(awk '/^State:/{print $2}' "/proc/$p/status" 2>/dev/null) == Z ]] && return 0
        sleep 0.05
    done
    fail "process $p still alive after ${secs}s"
}

# ---------------------------------------------------------------- assertions

assert_eq() {   # EXPECTED ACTUAL [WHAT]
    [[ $1 == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_ne() {   # UNEXPECTED ACTUAL [WHAT]
    [[ $1 != "$2" ]] || fail "${3:-value}: expected something other than '$1'"
}
assert_contains() {   # HAYSTACK NEEDLE [WHAT]
    [[ $1 == *"$2"* ]] || fail "${3:-output}: expected to contain '$2', got: $(printf '%q' "$1")"
}
assert_not_contains() {   # HAYSTACK NEEDLE [WHAT]
    [[ $1 != *"$2"* ]] || fail "${3:-output}: expected NOT to contain '$2', got: $(printf '%q' "$1")"
}
assert_icontains() {   # HAYSTACK NEEDLE [WHAT]  (case-insensitive)
    [[ ${1,,} == *"${2,,}"* ]] || fail "${3:-output}: expected to contain '$2' (any case), got: $(printf '%q' "$1")"
}
assert_match() {   # STRING ERE [WHAT]
    [[ $1 =~ $2 ]] || fail "${3:-value}: expected to match /$2/, got: $(printf '%q' "$1")"
}
# assert_ok CMD...: CMD must exit 0; sets RC/OUT/ERR
assert_ok() {
    run_cap "$@"
    [[ $RC == 0 ]] || fail "expected success of: $* -- exit $RC, stdout: $OUT, stderr: $ERR"
}
# assert_fail CMD...: CMD must exit non-zero; sets RC/OUT/ERR
assert_fail() {
    run_cap "$@"
    [[ $RC != 0 ]] || fail "expected failure of: $* -- but it exited 0, stdout: $OUT, stderr: $ERR"
    [[ $RC != 124 && $RC != 137 ]] || fail "command timed out/killed (exit $RC): $*"
}

# ---------------------------------------------------------------- vm guests

# need_qemu: skip unless QEMU for x86_64 guests is installed
need_qemu() {
    command -v qemu-system-x86_64 >/dev/null ||
        skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
}

# guest_elf NAME: path of the tiny test guest NAME (hello, echo, spin, hello-mb), built from
# tests/guests once per test
guest_elf() {
    if [[ ! -f $T/guests/$1.elf ]]; then
        bash "$LIB_DIR/../guests/build.sh" "$T/guests" >"$T/.guests.log" 2>&1 ||
            fail "building the test guests failed: $(cat "$T/.guests.log")"
    fi
    echo "$T/guests/$1.elf"
}

# new_guest_bundle NAME [ARGS...]: a bundle whose rootfs holds only the guest NAME, run as
# process.args = ["/NAME.elf", ARGS...], with its own cgroupsPath
new_guest_bundle() {
    local name=$1; shift
    local elf n b cg
    elf=$(guest_elf "$name") || exit 1
    n=$(_next)
    b="$T/bundle-$name-$n"
    bash "$LIB_DIR/../guests/make_bundle.sh" "$elf" "$b" "$@" >/dev/null || fail "make_bundle.sh $name failed"
    cg="/runz-itest-${MARK}-$n"
    echo "$cg" >>"$T/.cgroups"
    set_config "$b" '.linux.cgroupsPath = $cg' --arg cg "$cg"
    echo "$b"
}

# ---------------------------------------------------------------- leftovers

# marker_pids: pids of processes whose environment has this test's marker
marker_pids() {
    local e p
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}; p=${p%/environ}
        [[ $p == "$$" || $p == "$BASHPID" ]] && continue
        if grep -qszxF -- "RUNZ_ITEST=$MARK" "$e"; then
            [[ $(awk '/^State:/{print $2}' "/proc/$p/status" 2>/dev/null) == Z ]] && continue
            echo "$p"
        fi
    done
}

# cgroup_dirs: existing cgroup directories created for this test's bundles
cgroup_dirs() {
    local cg d
    while read -r cg; do
        [[ -n $cg ]] || continue
        for d in /sys/fs/cgroup/*"$cg" /sys/fs/cgroup"$cg"; do
            [[ -d $d ]] && echo "$d"
        done
    done <"$T/.cgroups"
}
cgroup_pids() {
    local d
    cgroup_dirs | while read -r d; do
        find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
    done | sort -u
}

# mounts_under PATH: mount points (host mount ns) at or below PATH
mounts_under() { awk -v p="$1" '$5 == p || index($5, p "/") == 1 {print $5}' /proc/self/mountinfo; }

# new_mounts: mount points that appeared since the test started (host mount ns), ignoring
# what tests running in parallel make on purpose (their own temp dirs, `ip netns add`)
new_mounts() {
    comm -13 <(echo "$MOUNTS_BEFORE") <(awk '{print $5}' /proc/self/mountinfo | sort) |
        awk -v t="$T" 'index($0, t) == 1 || ($0 !~ "^/tmp/runz-itest[.]" && $0 !~ "^/run/netns(/|$)")'
}

# assert_no_leftovers ID: no state entry for ID under $ROOT, no container process,
# no mount under $T.  Use after an operation that must clean up after itself.
assert_no_leftovers() {
    local id=$1 i p m
    [[ ! -e $ROOT/$id ]] || fail "state entry $ROOT/$id left behind: $(ls -la "$ROOT/$id" 2>&1)"
    for ((i = 0; i < 40; i++)); do
        p=$({ marker_pids; cgroup_pids; } | sort -u)
        [[ -z $p ]] && break
        sleep 0.05
    done
    [[ -z $p ]] || fail "processes left behind: $(for x in $p; do tr '\0' ' ' </proc/$x/cmdline; echo " (pid $x)"; done)"
    m=$(mounts_under "$T" | grep -vxF -f "$T/.mounts")
    [[ -z $m ]] || fail "mounts left behind under $T: $m"
}

# track_mount PATH: a mount the test made itself on the host; cleanup unmounts it before
# looking for mounts the runtime leaked
track_mount() { echo "$1" >>"$T/.mounts"; }

# ---------------------------------------------------------------- netns

# new_netns: create a named network namespace (ip netns add), print its name
new_netns() {
    local n="runz-${MARK}-$(_next)"
    n=${n:0:60}
    ip netns add "$n" || fail "ip netns add $n"
    echo "$n" >>"$T/.netns"
    echo "$n"
}

# ---------------------------------------------------------------- console socket

# start_console_receiver SOCKET OUTFILE: a background python3 process that listens on a
# unix socket, receives an fd over SCM_RIGHTS (the pty master of --console-socket, or the
# seccomp notify fd of listenerPath) and copies everything read from it
# into OUTFILE until EOF/EIO.  Writes OUTFILE.ready once listening, OUTFILE.gotfd once the
# fd arrived (the fd's /proc link, then the message sent with it).  Its pid is in $CONSOLE_PID.
# With INPUT, types INPUT into the fd DELAY seconds (default 1.5) after it arrived.
start_console_receiver() {
    local sock=$1 out=$2 input=${3:-} delay=${4:-1.5}
    cat >"$T/.console_recv.py" <<'EOF'
import array, os, socket, sys, time
sock_path, out_path = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(1)
open(out_path + ".ready", "w").close()
srv.settimeout(60)
conn, _ = srv.accept()
fds = array.array("i")
msg, ancdata, flags, addr = conn.recvmsg(4096, socket.CMSG_SPACE(16 * fds.itemsize))
for level, typ, data in ancdata:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
if not fds:
    open(out_path + ".nofd", "w").write("no fd received; msg=%r" % (msg,))
    sys.exit(2)
master = fds[0]
with open(out_path + ".gotfd", "w") as f:
    f.write(os.readlink("/proc/self/fd/%d" % master) + "\n" + msg.decode(errors="replace"))
typed = len(sys.argv) < 4 or not sys.argv[3]
type_at = time.time() + (float(sys.argv[4]) if len(sys.argv) > 4 else 1.5)
os.set_blocking(master, False)
import select
with open(out_path, "wb", buffering=0) as out:
    deadline = time.time() + 60
    while time.time() < deadline:
        if not typed and time.time() >= type_at:
            os.write(master, sys.argv[3].encode())
            typed = True
        select.select([master], [], [], 0.05)
        try:
            data = os.read(master, 4096)
        except BlockingIOError:
            continue
        except OSError:   # EIO once the slave side is closed
            break
        if not data:
            break
        out.write(data)
open(out_path + ".done", "w").close()
EOF
    python3 "$T/.console_recv.py" "$sock" "$out" "$input" "$delay" &
    CONSOLE_PID=$!
    echo "$CONSOLE_PID" >>"$T/.pids"
    wait_file "$out.ready" 10
}

# ---------------------------------------------------------------- cleanup

_cleanup() {
    local rc=$? id p d n m leaked=
    set +e
    trap - EXIT
    # 1. delete every container we created, plus anything else left in --root
    #    (if the runtime hangs once, give the remaining calls less time)
    local dt=20
    _del() {
        timeout -k 2 "$dt" "$RUNTIME" --root "$ROOT" delete --force "$1" >/dev/null 2>&1
        local r=$?
        if [[ $r == 124 || $r == 137 ]]; then dt=3; fi
    }
    while read -r id; do
        [[ -n $id ]] && _del "$id"
    done <"$T/.ids"
    if [[ -d $ROOT ]]; then
        for d in "$ROOT"/*; do
            [[ -e $d ]] || continue
            _del "$(basename "$d")"
        done
    fi
    # 2. helper processes we started ourselves
    while read -r p; do [[ -n $p ]] && kill -9 "$p" 2>/dev/null; done <"$T/.pids"
    # 3. container processes the runtime left behind
    for ((i = 0; i < 60; i++)); do
        p=$({ marker_pids; cgroup_pids; } | sort -u)
        [[ -z $p ]] && break
        sleep 0.05
    done
    if [[ -n $p ]]; then
        leaked+=" processes:"
        for x in $p; do leaked+=" $x($(tr '\0' ' ' </proc/$x/cmdline 2>/dev/null))"; done
        for ((i = 0; i < 20; i++)); do
            p=$({ marker_pids; cgroup_pids; } | sort -u)
            [[ -z $p ]] && break
            # shellcheck disable=SC2086
            kill -9 $p 2>/dev/null
            sleep 0.1
        done
    fi
    # 4. cgroups (deepest first)
    cgroup_dirs | while read -r d; do
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    # 5. network namespaces
    while read -r n; do [[ -n $n ]] && ip netns del "$n" 2>/dev/null; done <"$T/.netns"
    # 6. mounts the test made itself, then any other mount under $T (the runtime should
    #    never leave one on the host)
    if [[ -s $T/.mounts ]]; then
        tac "$T/.mounts" | while read -r d; do umount -l "$d" 2>/dev/null; done
    fi
    m=$(mounts_under "$T" | sort -r)
    if [[ -n $m ]]; then
        leaked+=" mounts: $(echo $m)"
        for ((i = 0; i < 5; i++)); do
            mounts_under "$T" | sort -r | while read -r d; do umount -l "$d" 2>/dev/null; done
        done
    fi
    # 7. temp dir
    if [[ ${KEEP_TMP:-0} == 1 ]]; then
        log "keeping $T"
    else
        if [[ -z $(mounts_under "$T") ]]; then
            rm -rf "$T"
        else
            log "not removing $T: still has mounts"
        fi
    fi
    if [[ -n $leaked ]]; then
        log "LEAK after cleanup:$leaked"
        [[ $rc == 0 ]] && rc=1
    fi
    exit "$rc"
}
trap _cleanup EXIT
trap 'exit 1' USR1
trap 'exit 130' INT
trap 'exit 143' TERM
