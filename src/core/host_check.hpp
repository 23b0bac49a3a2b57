// `runz check`: what this host supports, kind by kind.
#pragma once

#include <string>

#include "backends/backend.hpp"

namespace runz::core {

// "area: fact" lines: the runtime, the cgroup layout, the process kind's mechanisms, the
// VMMs and accelerators of the vm kind, the partitioning backends.
std::string host_report(const backends::HostContext& host);

}  // namespace runz::core
