// The five capability sets of process.capabilities, applied with libcap.
#pragma once

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

// Step 1, while still root: drop every capability not in the bounding set.
Result<void> drop_bounding_set(const oci::CapabilitySets& sets);
// Step 2, after the user switch: effective, permitted, inheritable, then ambient.
Result<void> apply_capability_sets(const oci::CapabilitySets& sets);

}  // namespace runz::linux
