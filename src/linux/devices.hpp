// Device nodes inside the container's /dev.
#pragma once

#include <vector>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

// The default devices (null zero full random urandom tty), the /dev/ptmx, fd, stdin,
// stdout, stderr links, then linux.devices (which win over defaults of the same path).
Result<void> populate_dev(int rootfd, const std::vector<oci::Device>& devices);
// Only linux.devices (when /dev is not a tmpfs of ours).
Result<void> create_spec_devices(int rootfd, const std::vector<oci::Device>& devices);

}  // namespace runz::linux
