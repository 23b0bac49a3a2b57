// runc's `update` flags (--memory 512m, --cpu-quota, --pids-limit, ...) → Resources.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "linux/resources.hpp"
#include "util/result.hpp"
#include "util/size.hpp"

namespace runz::core {

// The flags of `update` that set resources, by their long names (without dashes).
inline constexpr std::string_view kUpdateResourceFlags[] = {
    "blkio-weight",  "cpu-period",     "cpu-quota",          "cpu-share",   "cpu-rt-period",
    "cpu-rt-runtime", "cpuset-cpus",   "cpuset-mems",        "memory",      "memory-reservation",
    "memory-swap",   "kernel-memory",  "kernel-memory-tcp",  "pids-limit",  "l3-cache-schema",
    "mem-bw-schema"};

// flag name → value as given (the last one when repeated). runc's meanings: a 0 leaves the
// value alone; memory sizes take units (512m, 1g, 100M, 1.5GiB) or -1 for unlimited;
// --pids-limit -1 (or any negative) is unlimited; --blkio-weight is 10-1000. Intel RDT
// (--l3-cache-schema, --mem-bw-schema) is refused: runz does not support it.
// Errors read like runc's: `invalid value for cpu-quota: "abc" is not an integer`.
Result<linux::Resources> resources_from_update_flags(const std::map<std::string, std::string>& flags);


}  // namespace runz::core
