// Hooks the runtime itself runs, in its own namespaces (prestart, createRuntime,
// poststart, poststop). createContainer and startContainer run inside the container's init.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::core {

// Stop at the first failure (prestart, createRuntime: the spec makes that fatal).
Result<void> run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state, std::string_view phase);
// Run them all, logging failures as warnings (poststart, poststop).
void run_hooks_warn(const std::vector<oci::Hook>& hooks, const std::string& state, std::string_view phase);

}  // namespace runz::core
