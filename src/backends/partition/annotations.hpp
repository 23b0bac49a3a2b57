// What a partition container asks for: the runz.partition.* annotations, else the OCI
// resources (as runPHI reads them), else defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backends/partition/boot_config.hpp"
#include "backends/resource_hints.hpp"
#include "backends/partition/cpu_list.hpp"
#include "util/result.hpp"

namespace runz::backends::partition {

// The parts of linux.resources a partition request defaults from (backends::resource_hints).
using ResourceHints = backends::ResourceHints;

constexpr uint64_t kDefaultMemory = 64ull << 20;

struct PartitionRequest {
  unsigned cpu_count = 1;  // how many CPUs, when cpus is empty
  CpuSet cpus;             // exactly these CPUs (then cpu_count == cpus.size())
  uint64_t memory = kDefaultMemory;
  std::vector<std::string> devices;  // named platform devices, exclusive
  std::string rpu;                   // an rproc name, "any", or "" for none
  bool ivshmem = false;              // a comm region
};

// Annotations win over the OCI resources, which win over the boot config and the defaults:
//   runz.partition.cpus     "2" (a count) or "2,3" / "2-3" (these CPUs; one CPU: "3-3")
//                           else the cpuset (these CPUs), else ceil(quota/period), else 1
//   runz.partition.memory   "128M", "1G", "65536k", "67108864" (binary units)
//                           else the memory limit, else 64 MiB
//   runz.partition.devices  "uart1,ivshmem0" (names of [[partition.device]])
//   runz.partition.rpu      an rproc name, "any", or "none"; else "any" when the boot
//                           config says rpu_req, else none
// The comm region follows the boot config's `net`. Errors name the annotation.
Result<PartitionRequest> partition_request(const std::map<std::string, std::string>& annotations,
                                           const ResourceHints& hints, const BootConfig& boot);

// "64M", "1GiB", "4096" -> bytes (binary units, case-insensitive; b/k/m/g/t with optional
// "b"/"ib"); nullopt when malformed, zero or overflowing.
std::optional<uint64_t> parse_size(std::string_view text);

}  // namespace runz::backends::partition
