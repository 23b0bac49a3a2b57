// The five capability sets of process.capabilities, applied with libcap.
#pragma once

#include <vector>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

// Step 1, while still root: drop every capability not in the bounding set.
Result<void> drop_bounding_set(const oci::CapabilitySets& sets);
// Step 2, after the user switch: effective, permitted, inheritable, then ambient.
Result<void> apply_capability_sets(const oci::CapabilitySets& sets);

// Give up these capabilities (numbers, CAP_NET_ADMIN...) for good, before an exec: from
// the bounding set (while CAP_SETPCAP is still held; it may itself be in `caps`), then
// from the effective, permitted and inheritable sets, and lower them in the ambient set.
Result<void> drop_capabilities(const std::vector<int>& caps);

}  // namespace runz::linux
