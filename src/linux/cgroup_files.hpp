// Resources → the cgroup files that carry them, for cgroup v1, cgroup v2 and the v1/v2
// hybrid. Pure translation, no I/O: cgroup_apply.cpp does the writing. Conversions follow
// runc/crun (cpu.weight from shares, io.weight from the blkio weight, memory.swap.max as
// swap - limit, "max" for unlimited, ...). The order of the writes is the order to write in.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "linux/resources.hpp"
#include "util/result.hpp"

namespace runz::linux {

struct CgroupWrite {
  // v1: the hierarchy ("memory", "cpu", "cpuset", "pids", "blkio", "hugetlb", "net_cls",
  // "net_prio", "rdma", "devices"). v2: the controller to enable in cgroup.subtree_control
  // ("memory", "cpu", "cpuset", "pids", "io", "hugetlb", "rdma", ...; "cgroup" for core files).
  std::string controller;
  std::string file;   // "memory.limit_in_bytes", "cpu.max", ...
  std::string value;  // written as is, no newline added
  // Skip silently when the host lacks the controller or the file (values that only restate
  // the default, deprecated knobs, the kernel's optional variants such as *.rsvd.*).
  bool optional = false;
  // The linux.resources field it comes from, for errors: "memory.limit", "unified.io.max".
  std::string field;
  // True for a write to the cgroup2 hierarchy (pure v2, or <root>/unified on a hybrid host).
  bool v2 = false;
  // When `file` does not exist, write `alt_value` to `alt_file` instead (BFQ weights:
  // blkio.bfq.weight, io.bfq.weight / io.weight). Empty when there is no alternative.
  std::string alt_file;
  std::string alt_value;
};

// What the v1 translation needs to know of the cgroup as it is (only matters for updates).
struct CgroupCurrent {
  // memory.limit_in_bytes now; absent means a fresh cgroup (unlimited). Decides whether
  // memory.memsw.limit_in_bytes is written before or after memory.limit_in_bytes.
  std::optional<uint64_t> memory_limit;
};

// The controllers of a hybrid host: v1 hierarchies mounted at <root>/<name>, and those that
// cgroup2 at <root>/unified offers (its cgroup.controllers).
struct HybridControllers {
  std::set<std::string> v1;
  std::set<std::string> v2;
};

// Every write for a cgroup v1 host. `unified` is an error here (no cgroup2 to write it to).
Result<std::vector<CgroupWrite>> resources_to_v1(const Resources& r, const CgroupCurrent& current = {});
// Every write for a pure cgroup v2 host. v1-only knobs with a non-default value (swappiness,
// kernel memory, realtime, leaf weights, network, disableOOMKiller, useHierarchy=false) are
// errors naming the field; so is a device list with a deny rule (it needs an eBPF device
// filter, not implemented yet; allow-only lists restate the v2 default and write nothing).
// `unified` entries come last, verbatim.
Result<std::vector<CgroupWrite>> resources_to_v2(const Resources& r);
// A hybrid host: each controller group (memory, cpu, cpuset, pids, blkio/io, hugetlb,
// network, rdma, devices) is translated for v1 when its v1 hierarchy is mounted, else for
// cgroup2 when the unified mount offers it (hugetlb on this project's CI host), else for v1
// (so that applying reports the missing controller). `unified` keys must name a controller
// the unified mount offers (or be cgroup.* files).
Result<std::vector<CgroupWrite>> resources_to_hybrid(const Resources& r, const HybridControllers& host,
                                                     const CgroupCurrent& current = {});

// The conversions, exposed for tests.
// cpu.weight from cpu.shares: 1 + ((shares - 2) * 9999) / 262142, shares clamped to [2, 262144].
uint64_t cpu_shares_to_weight(uint64_t shares);
// io.weight from blkio.weight: 1 + (weight - 10) * 9999 / 990, weight clamped to [10, 1000].
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// The v1 devices-cgroup line for a rule: "c 1:3 rwm", "a *:* rwm", "b 8:* r".
std::string device_rule_line(const DeviceRule& rule);

}  // namespace runz::linux
