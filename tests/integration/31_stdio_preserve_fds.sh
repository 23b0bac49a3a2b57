#!/bin/bash
# Without a terminal the caller's stdio is handed to a detached container untouched (as shims
# pass fifos/files to `create`): stdin/stdout/stderr of create reach the process started
# later, fd 1 is the very same open pipe.  --preserve-fds N passes fds 3..3+N-1 into the container,
# and no other fd leaks in.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_sh "$b" 'read line; echo "stdout:$line"; echo "stderr:$line" >&2; ls /proc/self/fd | sort -n | tr "\n" " " > /tmp/fds'
echo "from-stdin" >"$T/in.txt"
id=$(new_id)
timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" create --bundle "$b" "$id" \
    <"$T/in.txt" >"$T/out.txt" 2>"$T/err.txt" || fail "create failed: $(cat "$T/err.txt")"
assert_ok rt start "$id"
wait_status "$id" stopped
assert_eq "stdout:from-stdin" "$(cat "$T/out.txt")" "container stdout (the file given to create)"
assert_contains "$(cat "$T/err.txt")" "stderr:from-stdin" "container stderr (the file given to create)"
# no fds beyond 0 1 2 (ls itself holds one more for /proc/self/fd)
fds=$(cat "$b/rootfs/tmp/fds")
n=$(echo "$fds" | wc -w)
[[ $n -le 4 ]] || fail "container got extra file descriptors: $fds"
assert_ok rt delete "$id"

# stdout is a pipe owned by the caller of a detached run: the same pipe inside.
# (A foreground `run` may relay through its own pipes, as runc does.)
set_sh "$b" 'readlink /proc/self/fd/1'
id=$(new_id)
out=$(rt run --detach --bundle "$b" "$id" </dev/null 2>"$T/err2.txt"; printf 'shell:'; readlink /proc/self/fd/1)
inside=$(echo "$out" | grep -v "^shell:" | head -1)
outside=$(echo "$out" | sed -n 's/^shell://p')
assert_eq "$outside" "$inside" "container fd 1 vs the caller's pipe"

# --preserve-fds 2: fds 3 and 4 reach the process
echo "content-of-fd3" >"$T/fd3.txt"
echo "content-of-fd4" >"$T/fd4.txt"
set_sh "$b" 'echo "fd3=$(cat <&3)"; echo "fd4=$(cat <&4)"; if [ -e /proc/self/fd/5 ]; then echo fd5=open; else echo fd5=closed; fi'
id=$(new_id)
out=$(timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" run --preserve-fds 2 --bundle "$b" "$id" \
    3<"$T/fd3.txt" 4<"$T/fd4.txt" 5<"$T/fd3.txt" </dev/null 2>"$T/err3.txt") ||
    fail "run --preserve-fds 2 failed: $(cat "$T/err3.txt")"
get() { echo "$out" | sed -n "s/^$1=//p"; }
assert_eq content-of-fd3 "$(get fd3)" "fd 3 with --preserve-fds 2"
assert_eq content-of-fd4 "$(get fd4)" "fd 4 with --preserve-fds 2"
assert_eq closed "$(get fd5)" "fd 5 (not preserved)"

# without --preserve-fds, extra fds of the caller do not leak in
set_sh "$b" 'if [ -e /proc/self/fd/3 ]; then echo fd3=open; else echo fd3=closed; fi'
id=$(new_id)
out=$(timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" run --bundle "$b" "$id" 3<"$T/fd3.txt" </dev/null 2>&1)
assert_eq closed "$(get fd3)" "fd 3 without --preserve-fds"
pass
