// linux.resources of config.json (config-linux.md "Control groups"), typed. Every field is
// optional: absent means "leave the cgroup's value alone". Read from oci::Spec's
// linux.resources_json (or an `update --resources` document) by parse_resources.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace runz::linux {

struct MemoryResources {
  std::optional<int64_t> limit;        // bytes, -1 = unlimited
  std::optional<int64_t> reservation;  // soft limit
  std::optional<int64_t> swap;         // memory+swap, -1 = unlimited
  std::optional<int64_t> kernel;       // deprecated by the spec and the kernel
  std::optional<int64_t> kernel_tcp;
  std::optional<uint64_t> swappiness;  // 0-100 (UINT64_MAX, Go's (uint64)-1, means unset)
  std::optional<bool> disable_oom_killer;
  std::optional<bool> use_hierarchy;
  std::optional<bool> check_before_update;
};

struct CpuResources {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;  // µs per period, -1 = unlimited
  std::optional<uint64_t> burst;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::optional<std::string> cpus;  // "0-3,5"
  std::optional<std::string> mems;
  std::optional<int64_t> idle;  // 0 or 1 (SCHED_IDLE)
};

struct PidsResources {
  int64_t limit = 0;  // <= 0 means unlimited
};

struct WeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
};

struct ThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
};

struct BlockIOResources {
  std::optional<uint16_t> weight;  // 10-1000
  std::optional<uint16_t> leaf_weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> throttle_read_bps_device;
  std::vector<ThrottleDevice> throttle_write_bps_device;
  std::vector<ThrottleDevice> throttle_read_iops_device;
  std::vector<ThrottleDevice> throttle_write_iops_device;
};

struct HugepageLimit {
  std::string page_size;  // "2MB", "1GB", "64KB": checked to be <digits><K|M|G>B
  uint64_t limit = 0;
};

struct InterfacePriority {
  std::string name;
  uint32_t priority = 0;
};

struct NetworkResources {
  std::optional<uint32_t> class_id;
  std::vector<InterfacePriority> priorities;
};

struct RdmaLimit {
  std::optional<uint32_t> hca_handles;
  std::optional<uint32_t> hca_objects;
};

// One entry of the allowed device list (the devices cgroup).
struct DeviceRule {
  bool allow = false;
  char type = 'a';                // 'a', 'c' or 'b'; absent means 'a'
  std::optional<int64_t> major;   // absent (or -1) means every major: '*'
  std::optional<int64_t> minor;
  std::string access = "rwm";     // a non-empty subset of "rwm"; absent means "rwm"
};

struct Resources {
  std::optional<MemoryResources> memory;
  std::optional<CpuResources> cpu;
  std::optional<PidsResources> pids;
  std::optional<BlockIOResources> block_io;
  std::vector<HugepageLimit> hugepage_limits;
  std::optional<NetworkResources> network;
  std::map<std::string, RdmaLimit> rdma;            // device name → limits
  std::map<std::string, std::string> unified;       // cgroup v2 file → value, written verbatim
  std::vector<DeviceRule> devices;                  // in the listed order

  bool empty() const {
    return !memory && !cpu && !pids && !block_io && hugepage_limits.empty() && !network &&
           rdma.empty() && unified.empty() && devices.empty();
  }
};

// Parse a LinuxResources JSON object (linux.resources of config.json, or the document given
// to `update --resources`). Empty text or `null` is an empty Resources. Errors name the field:
// "linux.resources.memory.limit: expected an integer". `where` is the prefix of those names.
Result<Resources> parse_resources(std::string_view json, std::string_view where = "linux.resources");

}  // namespace runz::linux
