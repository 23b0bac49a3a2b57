#!/bin/bash
# Global --log / --log-format: json lines {"level","msg","time"} as containerd and podman
# parse them, on an error (unknown id, failed create); both `--flag value` and
# `--flag=value`; text format; the error also reaches stderr; --debug is accepted; an
# unknown --log-format is refused.
. "$(dirname "$0")/lib.sh"

check_json_log() {   # FILE WHAT: every line is JSON with level/msg/time; some error line mentions "does not exist"
    local f=$1 what=$2 line n=0
    [[ -s $f ]] || fail "$what: log file $f is empty or missing"
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        n=$((n + 1))
        echo "$line" | jq -e 'type == "object" and (.level|type) == "string" and (.msg|type) == "string" and (.time|type) == "string"' >/dev/null ||
            fail "$what: log line is not {level,msg,time} JSON: $line"
        assert_match "$(echo "$line" | jq -r .time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "$what: time field (RFC 3339)"
    done <"$f"
    [[ $n -gt 0 ]] || fail "$what: no log lines"
}

id="${MARK}-unknown"; track_id "$id"

# --log F --log-format json
assert_fail rt --log "$T/a.json" --log-format json state "$id"
assert_icontains "$ERR$OUT" "does not exist" "stderr with --log"
check_json_log "$T/a.json" "--log F --log-format json"
jq -e -s 'map(select(.level == "error" and (.msg | ascii_downcase | contains("does not exist")))) | length > 0' "$T/a.json" >/dev/null ||
    fail "no error line mentioning 'does not exist' in $(cat "$T/a.json")"

# --log=F --log-format=json
assert_fail rt --log="$T/b.json" --log-format=json kill "$id" KILL
check_json_log "$T/b.json" "--log=F --log-format=json"
jq -e -s 'map(select(.level == "error")) | length > 0' "$T/b.json" >/dev/null || fail "no error line in $(cat "$T/b.json")"

# mixed forms, flags in podman's order (--log-format=json before --log)
assert_fail rt --log-format=json --log "$T/c.json" delete "$id"
check_json_log "$T/c.json" "--log-format=json --log F"

# a failed create (missing rootfs) is logged as an error line
b=$(new_bundle)
rm -rf "$b/rootfs"
cid=$(new_id)
assert_fail rt --log "$T/d.json" --log-format json create --bundle "$b" "$cid"
check_json_log "$T/d.json" "failed create"
jq -e -s 'map(select(.level == "error")) | length > 0' "$T/d.json" >/dev/null || fail "failed create logged no error line: $(cat "$T/d.json")"
assert_no_leftovers "$cid"

# the log file is appended to, not truncated
before=$(wc -l <"$T/a.json")
assert_fail rt --log "$T/a.json" --log-format json state "$id"
[[ $(wc -l <"$T/a.json") -gt $before ]] || fail "--log file was not appended to"

# text format (default): the message is in the file, and it is not JSON
assert_fail rt --log "$T/e.txt" state "$id"
assert_icontains "$(cat "$T/e.txt")" "does not exist" "text log"
assert_icontains "$(cat "$T/e.txt")" "error" "text log level"
assert_fail rt --log "$T/f.txt" --log-format text state "$id"
assert_icontains "$(cat "$T/f.txt")" "does not exist" "--log-format text log"

# --debug is accepted (successful command still succeeds)
assert_ok rt --debug --log "$T/g.json" --log-format json list
# an unknown log format is refused
assert_fail rt --log "$T/h.log" --log-format xml list
pass
