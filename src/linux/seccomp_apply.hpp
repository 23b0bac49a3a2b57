// When and how the container's seccomp filter goes on: as late as possible, but while the
// process may still load it (no_new_privs set, or still privileged), as runc does.
#pragma once

#include <string>

#include "linux/seccomp.hpp"
#include "oci/spec.hpp"

namespace runz::linux {

struct SeccompPlan {
  SeccompProgram program;
  bool early = false;  // without no_new_privs: load before dropping privileges
};

// Compile linux.seccomp (empty JSON: no filter).
Result<SeccompPlan> plan_seccomp(const std::string& seccomp_json, const oci::Process& process);
// Load the filter; hand its notify fd to the listener socket with the state, if any.
Result<void> load_seccomp(const SeccompPlan& plan, int listener, const std::string& state_json);

}  // namespace runz::linux
