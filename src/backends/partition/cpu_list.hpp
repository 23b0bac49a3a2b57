// CPU lists in the kernel's notation ("0,2-3"), as sysfs, cpusets and runz.toml write them.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace runz::backends::partition {

using CpuSet = std::set<unsigned>;

// "1-3", "0,2-3", " 4 ": ranges ascending, CPUs below 4096; an empty list is an error.
Result<CpuSet> parse_cpu_list(std::string_view text);
// The kernel's list notation (as cpus_assigned_list): {0,2,3} -> "0,2-3"; {} -> "".
std::string format_cpu_list(const CpuSet& cpus);

}  // namespace runz::backends::partition
