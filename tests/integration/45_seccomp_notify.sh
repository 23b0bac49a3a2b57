#!/bin/bash
# SCMP_ACT_NOTIFY: the runtime hands the filter's notify fd to linux.seccomp.listenerPath
# with the state (seccomp-notify.md: "fds": ["seccompFd"], metadata, the container's state);
# a listener that is not there fails create cleanly.
. "$(dirname "$0")/lib.sh"

sock="$T/listener.sock"
out="$T/listener.out"
# The console receiver takes any fd with its message: here the notify fd and the state.
start_console_receiver "$sock" "$out"

profile=$(jq -n --arg sock "$sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock, listenerMetadata: "meta-1",
  syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')
b=$(new_bundle)
set_config "$b" ".linux.seccomp = $profile"
set_sh "$b" 'echo ready > /tmp/ready; sleep 600'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
wait_file "$out.gotfd"
msg=$(cat "$out.gotfd")
assert_contains "$msg" '"seccompFd"' "the message names the fd"
assert_contains "$msg" '"metadata":"meta-1"' "listenerMetadata is passed on"
assert_contains "$msg" "\"id\":\"$id\"" "the container's state is included"
assert_contains "$msg" "anon_inode:seccomp notify" "a seccomp notify fd was received"
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
