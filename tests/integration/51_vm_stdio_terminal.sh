#!/bin/bash
# vm kind, stdio: the guest's serial console is the container's stdin/stdout (docker logs,
# podman run -i), and with process.terminal the console socket's pty drives it.
. "$(dirname "$0")/lib.sh"
need_qemu

# stdin reaches the guest, its echo comes back on stdout, 'q' ends it with 0
b=$(new_guest_bundle echo)
id=$(new_id)
out=$(printf 'abcq' | rt run --bundle "$b" "$id" 2>"$T/err")
rc=$?
assert_eq 0 "$rc" "echo guest exit code (stderr: $(cat "$T/err"))"
assert_contains "$out" "abc" "echoed input"
rt delete "$id" 2>/dev/null

# a terminal: the pty master goes to the console socket; bytes written there reach the guest
b=$(new_guest_bundle echo)
set_config "$b" '.process.terminal = true'
sock="$T/console.sock"
start_console_receiver "$sock" "$T/console.out" "xyzq"
id=$(new_id)
assert_ok rt create --bundle "$b" --console-socket "$sock" "$id"
assert_ok rt start "$id"
wait_status "$id" stopped 20
assert_contains "$(cat "$T/console.out")" "xyz" "the guest's echo on the terminal"
assert_ok rt delete "$id"
pass
