#!/bin/bash
# process.rlimits (RLIMIT_NOFILE soft/hard, RLIMIT_CORE, RLIMIT_NPROC), an unknown rlimit type
# fails, raising a hard limit above the host's fails cleanly where CAP_SYS_RESOURCE is
# missing (this host); noNewPrivileges (NoNewPrivs in /proc/self/status) true and false;
# oomScoreAdj.
. "$(dirname "$0")/lib.sh"

hard_nofile=$(ulimit -Hn)
[[ $hard_nofile == unlimited ]] && hard_nofile=1048576
soft=$((hard_nofile / 4)); hard=$((hard_nofile / 2))
b=$(new_bundle)
set_config "$b" '.process.rlimits = [
    {type:"RLIMIT_NOFILE", soft:$s, hard:$h},
    {type:"RLIMIT_CORE", soft:0, hard:0},
    {type:"RLIMIT_NPROC", soft:777, hard:888}
  ] | .process.noNewPrivileges = true | .process.oomScoreAdj = 123' --argjson s "$soft" --argjson h "$hard"
set_sh "$b" '
echo "nofile_soft=$(ulimit -n)"; echo "nofile_hard=$(ulimit -Hn)"
awk "/^Max open files/ {print \"proc_nofile=\" \$4 \" \" \$5}" /proc/self/limits
awk "/^Max core file size/ {print \"proc_core=\" \$5 \" \" \$6}" /proc/self/limits
awk "/^Max processes/ {print \"proc_nproc=\" \$3 \" \" \$4}" /proc/self/limits
awk "/^NoNewPrivs:/ {print \"nnp=\" \$2}" /proc/self/status
echo "oom=$(cat /proc/self/oom_score_adj)"'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
get() { echo "$OUT" | sed -n "s/^$1=//p"; }
assert_eq "$soft" "$(get nofile_soft)" "RLIMIT_NOFILE soft (ulimit -n)"
assert_eq "$hard" "$(get nofile_hard)" "RLIMIT_NOFILE hard (ulimit -Hn)"
assert_eq "$soft $hard" "$(get proc_nofile)" "Max open files in /proc/self/limits"
assert_eq "0 0" "$(get proc_core)" "Max core file size in /proc/self/limits"
assert_eq "777 888" "$(get proc_nproc)" "Max processes in /proc/self/limits"
assert_eq 1 "$(get nnp)" "NoNewPrivs with noNewPrivileges: true"
assert_eq 123 "$(get oom)" "oom_score_adj"

# noNewPrivileges false, no oomScoreAdj: inherited value
set_config "$b" '.process.noNewPrivileges = false | del(.process.oomScoreAdj) | .process.rlimits = []'
set_sh "$b" 'awk "/^NoNewPrivs:/ {print \$2}" /proc/self/status'
id=$(new_id)
assert_ok rt run --bundle "$b" "$id"
assert_eq 0 "$OUT" "NoNewPrivs with noNewPrivileges: false"

# unknown rlimit type
b2=$(new_bundle badrlimit)
set_config "$b2" '.process.rlimits = [{type:"RLIMIT_BOGUS", soft:1, hard:1}]'
id=$(new_id badrlimit)
assert_fail rt create --bundle "$b2" "$id"
assert_no_leftovers "$id"

# hard limit above the host's without CAP_SYS_RESOURCE in the bounding set: EPERM, clean failure
capbnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
if (( (16#$capbnd >> 24) & 1 )); then
    log "host has CAP_SYS_RESOURCE: skipping the above-hard-limit case"
else
    b3=$(new_bundle bigrlimit)
    set_config "$b3" '.process.rlimits = [{type:"RLIMIT_NOFILE", soft:$h, hard:$h}]' --argjson h $((hard_nofile * 2))
    id=$(new_id bigrlimit)
    assert_fail rt create --bundle "$b3" "$id"
    assert_no_leftovers "$id"
fi
pass
