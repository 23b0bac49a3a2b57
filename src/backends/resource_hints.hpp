// The parts of linux.resources that size a VM or a partition: vCPUs / cell CPUs from the
// CPU quota or the cpuset, guest RAM / cell memory from the memory limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::backends {

struct ResourceHints {
  std::optional<int64_t> cpu_quota;
  std::optional<uint64_t> cpu_period;
  std::string cpuset_cpus;              // "0-2,4"
  std::optional<int64_t> memory_limit;  // bytes; absent or -1 when unlimited
};

Result<ResourceHints> resource_hints(const oci::Spec& spec);

}  // namespace runz::backends
