// A container's resource usage read from its cgroup files, for `events`: the numbers runc
// reports (cpu, cpuset, memory, pids, blkio, hugetlb), on cgroup v1, v2 and the hybrid.
// Plain numbers only; the JSON shape is made in core (stats_json.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "linux/cgroup.hpp"
#include "util/result.hpp"

namespace runz::linux {

struct CpuUsageStats {
  uint64_t total = 0;  // nanoseconds
  std::vector<uint64_t> percpu;
  std::vector<uint64_t> percpu_kernel;
  std::vector<uint64_t> percpu_user;
  uint64_t kernel = 0;
  uint64_t user = 0;
};

struct ThrottlingStats {
  uint64_t periods = 0;
  uint64_t throttled_periods = 0;
  uint64_t throttled_time = 0;  // nanoseconds
};

struct CpuStats {
  CpuUsageStats usage;
  ThrottlingStats throttling;
};

struct CpusetStats {
  std::vector<uint16_t> cpus;
  std::vector<uint16_t> mems;
  uint64_t cpu_exclusive = 0;
  uint64_t mem_hardwall = 0;
  uint64_t mem_exclusive = 0;
  uint64_t memory_migrate = 0;
  uint64_t memory_spread_page = 0;
  uint64_t memory_spread_slab = 0;
  uint64_t memory_pressure = 0;
  uint64_t sched_load_balance = 0;
  int64_t sched_relax_domain_level = 0;
};

// One counter family: usage now, its peak, its limit and how often the limit was hit.
// A limit of "max" reads as UINT64_MAX (v1 reports its own large number as is).
struct MemoryEntryStats {
  uint64_t limit = 0;
  uint64_t usage = 0;
  uint64_t max = 0;
  uint64_t failcnt = 0;
};

struct MemoryStats {
  uint64_t cache = 0;
  MemoryEntryStats usage;
  MemoryEntryStats swap;        // memory+swap, as v1 counts it (v2 values are converted)
  MemoryEntryStats kernel;      // v1 only
  MemoryEntryStats kernel_tcp;  // v1 only
  std::map<std::string, uint64_t> raw;  // memory.stat
  // OOM kills so far (v1 memory.oom_control, v2 memory.events "oom_kill"); not part of the
  // stats document: `events` turns an increase into an "oom" event.
  uint64_t oom_kill = 0;
};

struct PidsStats {
  uint64_t current = 0;
  uint64_t limit = 0;  // 0 when unlimited ("max")
};

struct BlkioEntry {
  uint64_t major = 0;
  uint64_t minor = 0;
  std::string op;  // "Read", "Write", "Sync", "Async", "Discard", "Total"; empty for time/sectors
  uint64_t value = 0;
};

struct BlkioStats {
  std::vector<BlkioEntry> io_service_bytes_recursive;
  std::vector<BlkioEntry> io_serviced_recursive;
  std::vector<BlkioEntry> io_queued_recursive;
  std::vector<BlkioEntry> io_service_time_recursive;
  std::vector<BlkioEntry> io_wait_time_recursive;
  std::vector<BlkioEntry> io_merged_recursive;
  std::vector<BlkioEntry> io_time_recursive;
  std::vector<BlkioEntry> sectors_recursive;
};

struct HugetlbStats {
  uint64_t usage = 0;
  uint64_t max = 0;
  uint64_t failcnt = 0;
};

struct CgroupStats {
  CpuStats cpu;
  CpusetStats cpuset;
  MemoryStats memory;
  PidsStats pids;
  BlkioStats blkio;
  std::map<std::string, HugetlbStats> hugetlb;  // page size ("2MB") → counters
};

// Read the stats of `cg` below `root` ("/sys/fs/cgroup"; a fake tree in tests), from the
// files of the manager's layout:
//  - v1: <root>/<controller><path>: cpuacct.usage, cpuacct.usage_percpu, cpuacct.usage_all,
//    cpuacct.stat, cpu.stat, cpuset.*, memory.{usage_in_bytes,max_usage_in_bytes,
//    limit_in_bytes,failcnt} and their memsw/kmem/kmem.tcp variants, memory.stat,
//    pids.current, pids.max, blkio.* (bfq, cfq, then throttle files), hugetlb.<size>.*.
//  - v2: <root><path>: cpu.stat, cpuset.{cpus,mems}.effective, memory.{current,max,peak,events},
//    memory.swap.*, memory.stat, pids.current, pids.max, io.stat, hugetlb.<size>.*.
//  - hybrid: v1, except controllers only cgroup2 at <root>/unified has (hugetlb here).
// A file that is missing (a controller the host lacks) leaves its numbers at zero; only a
// cgroup that exists nowhere is an error.
Result<CgroupStats> read_cgroup_stats(const CgroupManager& cg, const std::string& root = "/sys/fs/cgroup");

// "0-3,5" → {0, 1, 2, 3, 5} (cpuset lists); malformed parts are skipped.
std::vector<uint16_t> parse_cpu_list(std::string_view text);

}  // namespace runz::linux
