#!/bin/bash
# process.terminal with --console-socket: the pty master arrives over SCM_RIGHTS on the
# unix socket, the process has a tty on stdin/stdout (/dev/console too), consoleSize is
# honoured, output comes through the master; terminal without --console-socket and a dead
# console socket fail create cleanly.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_config "$b" '.process.terminal = true | .process.consoleSize = {height: 33, width: 101}'
set_sh "$b" 'echo "tty=$(tty)"; echo "size=$(stty size)"; [ -t 0 ] && echo stdin=tty; [ -t 1 ] && echo stdout=tty; [ -c /dev/console ] && echo console=chr; echo term-done'
sock="$T/console.sock"; out="$T/console.out"
start_console_receiver "$sock" "$out"
id=$(new_id)
assert_ok rt create --bundle "$b" --console-socket "$sock" "$id"
wait_file "$out.gotfd" 10
assert_contains "$(head -1 "$out.gotfd")" "ptmx" "fd received over the console socket (should be a pty master)"
assert_ok rt start "$id"
wait_file "$out.done" 20
wait_status "$id" stopped
text=$(tr -d '\r' <"$out")
get() { echo "$text" | sed -n "s/^$1=//p"; }
assert_match "$(get tty)" '^/dev/(pts/[0-9]+|console)$' "tty of the container process"
assert_eq "33 101" "$(get size)" "terminal size (consoleSize)"
assert_eq tty "$(get stdin)" "stdin is a tty"
assert_eq tty "$(get stdout)" "stdout is a tty"
assert_eq chr "$(get console)" "/dev/console"
assert_contains "$text" "term-done" "console output"
assert_ok rt delete "$id"
wait "$CONSOLE_PID" 2>/dev/null

# run --detach with a console socket; input typed into the master reaches the process
set_sh "$b" 'read line; echo "typed=[$line]"'
sock2="$T/console2.sock"; out2="$T/console2.out"
cat >"$T/typer.py" <<'PY'
import array, os, socket, sys, time
sock_path, out_path = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path); srv.listen(1)
open(out_path + ".ready", "w").close()
srv.settimeout(60)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(16 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
master = fds[0]
os.write(master, b"hello pty\n")
with open(out_path, "wb", buffering=0) as out:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        out.write(data)
open(out_path + ".done", "w").close()
PY
python3 "$T/typer.py" "$sock2" "$out2" &
typer=$!; echo "$typer" >>"$T/.pids"
wait_file "$out2.ready"
id=$(new_id)
assert_ok rt run --detach --bundle "$b" --console-socket "$sock2" "$id"
wait_file "$out2.done" 20
assert_contains "$(tr -d '\r' <"$out2")" "typed=[hello pty]" "input through the pty master"
wait_status "$id" stopped
assert_ok rt delete "$id"
wait "$typer" 2>/dev/null

# foreground `run` with terminal: true, the runtime itself on a pty: output, exit status
set_sh "$b" 'echo "fg-tty=$(tty)"; echo "fg-size=$(stty size)"; exit 6'
id=$(new_id fg)
cat >"$T/ptyrun.py" <<'PY'
import os, pty, subprocess, sys, time, struct, fcntl, termios
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
os.close(slave)
buf = b""
deadline = time.time() + 30
while time.time() < deadline:
    try:
        d = os.read(master, 4096)
    except OSError:
        break
    if not d:
        break
    buf += d
rc = p.wait(timeout=30)
open(sys.argv[1], "wb").write(buf)
sys.exit(rc)
PY
run_cap timeout -k 5 60 python3 "$T/ptyrun.py" "$T/fg.out" "$RUNTIME" --root "$ROOT" run --bundle "$b" "$id"
assert_eq 6 "$RC" "exit status of a foreground run with a terminal (stderr: $ERR)"
fg=$(tr -d '\r' <"$T/fg.out")
assert_match "$(echo "$fg" | sed -n 's/^fg-tty=//p')" '^/dev/(pts/[0-9]+|console)$' "tty in a foreground run with a terminal"
# runc sizes the pty like the terminal it runs on (40x120 here); consoleSize is fine too
assert_match "$(echo "$fg" | sed -n 's/^fg-size=//p')" '^(33 101|40 120)$' "terminal size in a foreground run"

# terminal: true without --console-socket (detached create) fails cleanly
id=$(new_id nosock)
assert_fail rt create --bundle "$b" "$id"
assert_no_leftovers "$id"

# a console socket nobody listens on fails cleanly
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/dead.sock"
id=$(new_id deadsock)
assert_fail rt create --bundle "$b" --console-socket "$T/dead.sock" "$id"
assert_no_leftovers "$id"
id=$(new_id nosuchsock)
assert_fail rt create --bundle "$b" --console-socket "$T/no-such.sock" "$id"
assert_no_leftovers "$id"
pass
