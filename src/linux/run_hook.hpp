// Run one OCI hook: path, args, env, the state on stdin, and its timeout enforced.
#pragma once

#include <string>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

// Fails when the hook cannot start, exits non-zero, dies on a signal or times out
// (then it is killed). The hook's stdout/stderr go to ours.
Result<void> run_hook(const oci::Hook& hook, const std::string& state_json);

}  // namespace runz::linux
