// `runz check`: what the host offers the partition kind, one line per fact.
#pragma once

#include <string>

#include "backends/backend.hpp"

namespace runz::backends::partition {

// Lines such as "partition: backend jailhouse (x86, upstream-r14)", "partition: jailhouse
// tool /usr/sbin/jailhouse: found", "partition: hypervisor enabled: yes", "partition: cells:
// 0 RootCell (running), ...", the allocator's free resources, remoteproc entries. Never fails:
// problems are lines too.
std::string partition_host_report(const HostContext& host);

}  // namespace runz::backends::partition
