#!/bin/bash
# state / kill / delete / start of an unknown id fail (non-zero) with a message containing
# "does not exist" (runc: "container does not exist"), and create nothing under --root.
. "$(dirname "$0")/lib.sh"

id="${MARK}-never-created"
track_id "$id"
for cmd in "state" "kill" "delete" "start"; do
    run_cap rt $cmd "$id"
    [[ $RC != 0 ]] || fail "'$cmd' of an unknown id exited 0 (stdout: $OUT)"
    assert_icontains "$OUT$ERR" "does not exist" "'$cmd' of an unknown id"
done
assert_fail rt kill "$id" KILL
assert_icontains "$OUT$ERR" "does not exist" "'kill ID KILL' of an unknown id"

# `delete --force` of an unknown id: runc exits 0 on purpose (shims call it to clean up);
# either outcome is accepted, but it must not create anything.
run_cap rt delete --force "$id"
[[ $RC == 0 ]] || assert_icontains "$OUT$ERR" "does not exist" "'delete --force' of an unknown id"

# a --root that does not exist yet
run_cap timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$T/no-such-root" state "$id"
[[ $RC != 0 ]] || fail "state with a nonexistent --root exited 0"
assert_icontains "$OUT$ERR" "does not exist" "state with a nonexistent --root"

[[ -z $(ls -A "$ROOT") ]] || fail "--root is not empty after operations on an unknown id: $(ls -A "$ROOT")"
pass
