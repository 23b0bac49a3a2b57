#!/usr/bin/env bash
# scripts/demo.sh: run one container with runz on a busybox bundle built on the spot.
# Usage (as root, after `make build`):  scripts/demo.sh      or simply:  make demo
# RUNZ=/path/to/runz overrides the runtime (default: build/runz in this repo).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNZ=${RUNZ:-$repo/build/runz}
BUSYBOX=${BUSYBOX:-$(command -v busybox || true)}
id=runz-demo-$$

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
step() { echo; bold "==> $*"; }
fail() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run me as root (containers need namespaces, mounts and cgroups)"
[ -x "$RUNZ" ] || fail "$RUNZ not found: run 'make build' first (or 'make demo', which builds)"
[ -n "$BUSYBOX" ] || fail "busybox not found: apt-get install busybox-static"
command -v jq >/dev/null || fail "jq not found: apt-get install jq"
file_out=$(LC_ALL=C file -L "$BUSYBOX" 2>/dev/null || true)
case $file_out in *dynamically*) fail "$BUSYBOX is dynamically linked: install busybox-static" ;; esac

bold "runz demo: build a tiny busybox bundle, run one container in it with runz, look inside."
echo "runtime: $RUNZ ($("$RUNZ" --version 2>/dev/null | head -n1 || echo '?'))"

tmp=$(mktemp -d /tmp/runz-demo.XXXXXX)
bundle=$tmp/bundle
state=$tmp/state
cleanup() {
    local rc=$?
    "$RUNZ" --root "$state" delete --force "$id" >/dev/null 2>&1 || true
    "$RUNZ" --root "$state" delete --force "$id-vm" >/dev/null 2>&1 || true
    # --one-file-system: never walk into a mount, should one have been left behind.
    rm -rf --one-file-system "$tmp" 2>/dev/null || echo "demo: could not remove $tmp" >&2
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "1. A root filesystem: busybox-static alone, in $bundle/rootfs"
mkdir -p "$bundle/rootfs"/{bin,dev,etc,proc,sys,tmp,root}
cp "$BUSYBOX" "$bundle/rootfs/bin/busybox"
chroot "$bundle/rootfs" /bin/busybox --install -s /bin
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$bundle/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$bundle/rootfs/etc/group"
echo "    $(find "$bundle/rootfs/bin" -type l | wc -l) busybox applets linked into rootfs/bin"

step "2. A config.json: '$RUNZ spec', then edited with jq"
(cd "$bundle" && "$RUNZ" spec)
# shellcheck disable=SC2016 # expanded by the container's shell, not this one
script='echo "hostname: $(hostname)"; echo "pid=$$"; echo "user: $(id)"; echo "processes:"; ps -o pid,user,comm; echo "mounts:"; cat /proc/self/mounts'
jq --arg s "$script" '.process.terminal = false
    | .process.args = ["/bin/sh", "-c", $s]
    | .hostname = "runz-demo"' "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
echo "    process.args: $(jq -c '.process.args[0:2]' "$bundle/config.json") + a short script"
echo "    hostname:     $(jq -r .hostname "$bundle/config.json")"
echo "    namespaces:   $(jq -r '[.linux.namespaces[].type] | join(", ")' "$bundle/config.json")"

step "3. Before: what the host looks like"
echo "    hostname: $(hostname)"
echo "    this shell's pid: $$"
echo "    mounts: $(wc -l < /proc/self/mounts)"
procs=(/proc/[0-9]*)
echo "    processes: ${#procs[@]}"

step "4. Inside: $RUNZ --root $state run --bundle $bundle $id"
out=$tmp/out
set +e
"$RUNZ" --root "$state" run --bundle "$bundle" "$id" | tee "$out" | sed 's/^/    | /'
rc=${PIPESTATUS[0]}
set -e
echo "    exit status: $rc"
[ "$rc" -eq 0 ] || fail "the container exited with status $rc"

step "5. What you just saw"
cat <<'EOF'
    - hostname is "runz-demo", not the host's: the container has its own UTS namespace.
    - pid=1: the shell is the first process of a new PID namespace, and ps shows only
      the container's own processes.
    - the mounts are the container's own (a new mount namespace, then pivot_root):
      the rootfs as / (read-only, as the default config.json asks), then /proc, /dev
      (a tmpfs), /dev/pts, /dev/shm, /dev/mqueue, /sys and the cgroup hierarchies, in
      the order config.json lists them, then the masked (/proc/keys, /sys/firmware, ...)
      and read-only (/proc/sys, ...) paths. None of the host's other mounts are visible.
    - `run` is create + start + wait: runz returned the container's exit status and,
      without --keep, deleted the container after it exited.
EOF

ok=1
grep -qx 'hostname: runz-demo' "$out" || { echo "demo: expected 'hostname: runz-demo' in the output" >&2; ok=0; }
grep -qx 'pid=1' "$out" || { echo "demo: expected 'pid=1' in the output" >&2; ok=0; }
grep -q ' /proc proc ' "$out" || { echo "demo: expected /proc in the container's mounts" >&2; ok=0; }
left=$("$RUNZ" --root "$state" list -q 2>/dev/null || true)
[ -z "$left" ] || { echo "demo: container still listed after run: $left" >&2; ok=0; }
[ "$ok" -eq 1 ] || fail "the container did not look as expected (see above)"

step "6. A VM-isolated guest: a bare-metal kernel image as the container's workload"
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "    qemu-system-x86_64 is not installed: skipping (apt-get install qemu-system-x86)"
else
    guests=$tmp/guests
    bash "$repo/tests/guests/build.sh" "$guests" >/dev/null || fail "building the demo guest failed"
    bash "$repo/tests/guests/make_bundle.sh" "$guests/hello.elf" "$tmp/guest-bundle" "exit=42" >/dev/null
    echo "    rootfs: only /hello.elf, a 32-bit PVH kernel built from tests/guests (no Linux inside)"
    echo "    process.args: $(jq -c .process.args "$tmp/guest-bundle/config.json")  (args[1:] = the kernel command line)"
    echo "    no annotation needed: runz sees the PVH note in the ELF and picks the vm kind"
    echo "    $RUNZ --root $state run --bundle $tmp/guest-bundle $id-vm"
    set +e
    "$RUNZ" --root "$state" run --bundle "$tmp/guest-bundle" "$id-vm" | tee "$tmp/guest.out" | sed 's/^/    | /'
    vrc=${PIPESTATUS[0]}
    set -e
    echo "    exit status: $vrc"
    cat <<'EOF'
    - The guest's serial console is the container's stdout; it asked to exit with 42
      (through QEMU's isa-debug-exit device) and that is the container's exit status.
    - The container's init was a runz monitor running QEMU (microvm, TCG on this host:
      see `runz check`) inside the container's cgroup and namespaces.
EOF
    [ "$vrc" -eq 42 ] || fail "the VM guest exited with $vrc, expected 42"
    grep -q 'hello from a runz guest' "$tmp/guest.out" || fail "no guest output"
fi

step "7. After: the host is unchanged; '$RUNZ --root $state list' shows nothing left"
echo "    hostname: $(hostname)"
echo "    mounts: $(wc -l < /proc/self/mounts)"
echo
bold "demo passed. Next: README.md (how to use runz) and docs/cli.md (every verb and flag)."
