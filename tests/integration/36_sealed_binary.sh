#!/bin/bash
# CVE-2019-5736 class: the container's init runs from a sealed memfd copy of runz, so
# neither the host nor a process inside the container can write through /proc/<pid>/exe
# to the runz binary on the host.
. "$(dirname "$0")/lib.sh"

[ -x "$RUNTIME" ] || skip "RUNTIME is not executable"
case "$(basename "$RUNTIME")" in runz*) ;; *) skip "checks runz's own sealed copy, not $(basename "$RUNTIME")";; esac
before=$(sha256sum "$RUNTIME" | cut -d' ' -f1)

b=$(new_bundle)
set_sh "$b" 'exit 0'
id=$(new_id)
assert_ok rt create --bundle "$b" "$id"
init=$(state_field "$id" pid)
exe=$(readlink "/proc/$init/exe")
assert_contains "$exe" "memfd:runz" "the waiting init runs from a memfd"
seals=$(python3 - "$init" <<'PY'
import fcntl, os, sys
fd = os.open(f"/proc/{sys.argv[1]}/exe", os.O_RDONLY)
F_GET_SEALS = 1034
print(fcntl.fcntl(fd, F_GET_SEALS))
PY
)
# F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE = 1|2|4|8
assert_eq 15 "$((seals & 15))" "the copy is sealed against writes"
if python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_WRONLY); os.write(fd, b"x")' "/proc/$init/exe" 2>/dev/null; then
    fail "writing through /proc/$init/exe succeeded"
fi
# From inside the container: exec a process that tries to overwrite pid 1's binary.
run_cap rt exec "$id" sh -c 'echo pwned > /proc/1/exe && echo WROTE'
assert_not_contains "$OUT" WROTE "a container process cannot write the init's binary"
assert_ok rt delete --force "$id"
assert_eq "$before" "$(sha256sum "$RUNTIME" | cut -d' ' -f1)" "the host runz binary is unchanged"
pass
