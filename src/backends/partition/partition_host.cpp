#include "backends/partition/partition_host.hpp"

#include "util/fs.hpp"

namespace runz::backends::partition {

Result<PartitionPlatform> load_host_platform(const HostContext& host) {
  TRY(std::string text, host.config_text());
  return parse_partition_platform(text, host.config_path);
}

std::string allocations_path(const HostContext& host) { return path_join(host.root, "partition-allocations.json"); }

}  // namespace runz::backends::partition
