// The JSON documents of `events` and `ps --format json`, in runc's shapes.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "linux/cgroup_stats.hpp"

namespace runz::core {

// One line: {"type":"stats","id":ID,"data":{"cpu":...,"cpuset":...,"memory":...,"pids":...,
// "blkio":...,"hugetlb":...,"intel_rdt":{},"network_interfaces":null}} with runc 1.1's keys,
// key order and omitted zero fields (Go's omitempty).
std::string stats_event_json(std::string_view id, const linux::CgroupStats& stats);
// {"type":"oom","id":ID}: a process of the container was killed for want of memory.
std::string oom_event_json(std::string_view id);
// [1,2,3]
std::string pids_json(const std::vector<pid_t>& pids);

}  // namespace runz::core
