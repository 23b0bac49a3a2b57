#!/bin/bash
# process.apparmorProfile and process.selinuxLabel on a host without AppArmor or SELinux:
# create fails with one clear line naming the field, and leaves nothing behind; exec's
# --apparmor and --process-label fail the same way.
. "$(dirname "$0")/lib.sh"

if [ -d /sys/kernel/security/apparmor ] || [ -f /sys/fs/selinux/enforce ]; then
    skip "this host has AppArmor or SELinux: the absent-LSM errors cannot be checked"
fi
for field in apparmorProfile selinuxLabel; do
    b=$(new_bundle)
    set_config "$b" ".process.$field = \"some-profile\""
    id=$(new_id)
    run_cap rt create --bundle "$b" "$id"
    assert_ne 0 "$RC" "create with process.$field"
    assert_contains "$ERR" "process.$field" "the error names the field"
    assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "one line of error"
    assert_no_leftovers "$id"
done

b=$(new_bundle)
set_sh "$b" 'sleep 600'
id=$(new_id)
assert_ok rt run --detach --bundle "$b" "$id"
for flag in --apparmor --process-label; do
    run_cap rt exec "$flag" some-profile "$id" true
    assert_ne 0 "$RC" "exec $flag"
    assert_contains "$ERR" "$flag" "the error names the flag"
done
assert_ok rt delete --force "$id"
pass
