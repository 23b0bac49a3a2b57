// The partition platform of this host as the backend, `runz check` and detection see it.
#pragma once

#include <string>

#include "backends/backend.hpp"
#include "backends/partition/platform.hpp"

namespace runz::backends::partition {

// [partition] of the host's runz.toml (disabled when the file or the table is absent).
Result<PartitionPlatform> load_host_platform(const HostContext& host);

// <root>/partition-allocations.json
std::string allocations_path(const HostContext& host);

}  // namespace runz::backends::partition
