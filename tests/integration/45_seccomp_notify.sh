#!/bin/bash
# SCMP_ACT_NOTIFY: the runtime hands the filter's notify fd to linux.seccomp.listenerPath
# with the state (seccomp-notify.md: "fds": ["seccompFd"], metadata, the container's state);
# a listener that is not there fails create cleanly.
. "$(dirname "$0")/lib.sh"

sock="$T/listener.sock"
out="$T/listener.out"
cat >"$T/listener.py" <<'PY'
import array, os, socket, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
srv.settimeout(60)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
with open(out, "w") as f:
    f.write(msg.decode() + "\n")
    f.write("fd=" + (os.readlink("/proc/self/fd/%d" % fds[0]) if fds else "none") + "\n")
PY
python3 "$T/listener.py" "$sock" "$out" &
listener=$!
for ((i = 0; i < 100; i++)); do [ -e "$out.ready" ] && break; sleep 0.05; done

profile=$(jq -n --arg sock "$sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock, listenerMetadata: "meta-1",
  syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')
b=$(new_bundle)
set_config "$b" ".linux.seccomp = $profile"
set_sh "$b" 'echo ready > /tmp/ready; sleep 600'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
for ((i = 0; i < 100; i++)); do [ -s "$out" ] && break; sleep 0.05; done
wait "$listener"
msg=$(cat "$out")
assert_contains "$msg" '"seccompFd"' "the message names the fd"
assert_contains "$msg" '"metadata":"meta-1"' "listenerMetadata is passed on"
assert_contains "$msg" "\"id\":\"$id\"" "the container's state is included"
assert_contains "$msg" "fd=anon_inode:seccomp notify" "a seccomp notify fd was received"
assert_ok rt delete --force "$id"

# No listener at listenerPath: create fails, nothing is left.
b2=$(new_bundle)
set_config "$b2" ".linux.seccomp = ($profile | .listenerPath = \"$T/nobody.sock\")"
id2=$(new_id)
run_cap rt create --bundle "$b2" "$id2"
assert_ne 0 "$RC" "create with a missing listener"
assert_contains "$ERR" "listenerPath" "the error names the field"
assert_no_leftovers "$id2"
pass
