#!/bin/bash
# kill: default signal (SIGTERM), signal by number, by name, by SIG-prefixed name, an invalid
# signal fails, `kill --all` reaches every process of the container.
. "$(dirname "$0")/lib.sh"

b=$(new_bundle)
set_sh "$b" '
for s in USR1 USR2 HUP WINCH; do trap "echo $s >> /tmp/log" $s; done
trap "echo TERM >> /tmp/log; exit 0" TERM
echo ready > /tmp/ready
while :; do sleep 0.05; done'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
wait_file "$b/rootfs/tmp/ready"
log_has() {   # LINE: wait until /tmp/log in the container has LINE
    local i
    for ((i = 0; i < 100; i++)); do
        grep -qx "$1" "$b/rootfs/tmp/log" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "container did not receive $1 (log: $(cat "$b/rootfs/tmp/log" 2>/dev/null))"
}

assert_ok rt kill "$id" 10;        log_has USR1    # by number
assert_ok rt kill "$id" USR2;      log_has USR2    # by name
assert_ok rt kill "$id" SIGHUP;    log_has HUP     # SIG-prefixed name
assert_ok rt kill "$id" 28;        log_has WINCH   # another number

assert_fail rt kill "$id" NOSUCHSIGNAL
assert_fail rt kill "$id" SIGNOPE
assert_eq running "$(state_field "$id" status)" "status after invalid signals"

assert_ok rt kill "$id"            # default is SIGTERM
log_has TERM
wait_status "$id" stopped
assert_ok rt delete "$id"

# kill --all: init plus background children, all must die
b2=$(new_bundle)
set_sh "$b2" 'sleep 600 & sleep 600 & sleep 600 & echo ready > /tmp/ready; wait'
id2=$(new_id)
assert_ok rt run --detach --bundle "$b2" "$id2"
wait_file "$b2/rootfs/tmp/ready"
n=$(marker_pids | wc -l)
[[ $n -ge 4 ]] || fail "expected at least 4 container processes before kill --all, found $n"
assert_ok rt kill --all "$id2" KILL
wait_status "$id2" stopped
for ((i = 0; i < 100; i++)); do [[ -z $(marker_pids) ]] && break; sleep 0.05; done
[[ -z $(marker_pids) ]] || fail "processes survived kill --all: $(marker_pids | tr '\n' ' ')"
assert_ok rt delete "$id2"

# kill --all with a signal name
id3=$(new_id)
assert_ok rt run --detach --bundle "$b2" "$id3"
wait_status "$id3" running
assert_ok rt kill --all "$id3" SIGKILL
wait_status "$id3" stopped
assert_ok rt delete "$id3"
pass
