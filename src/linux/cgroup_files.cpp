// Resources → cgroup file writes. One function per controller group and cgroup version;
// the three public entry points pick among them. Semantics follow runc: a 0 in the memory,
// cpu shares/quota/period/realtime and blkio weight fields means "not set" (Go zero values).
#include "linux/cgroup_files.hpp"

#include <algorithm>
#include <functional>

namespace runz::linux {
namespace {

using Writes = std::vector<CgroupWrite>;

constexpr std::string_view kPrefix = "linux.resources.";

std::unexpected<Error> field_error(std::string_view field, std::string_view what) {
  return fail_user(std::string(kPrefix) + std::string(field) + ": " + std::string(what));
}

// Builders for the two kinds of write.
void v1(Writes& out, std::string ctrl, std::string file, std::string value, std::string field, bool optional = false) {
  out.push_back(CgroupWrite{std::move(ctrl), std::move(file), std::move(value), optional, std::move(field), false, {}, {}});
}
void v2(Writes& out, std::string ctrl, std::string file, std::string value, std::string field, bool optional = false) {
  out.push_back(CgroupWrite{std::move(ctrl), std::move(file), std::move(value), optional, std::move(field), true, {}, {}});
}

std::string num(int64_t v) { return std::to_string(v); }
std::string unum(uint64_t v) { return std::to_string(v); }
// v2 spelling of a limit: -1 is "max".
std::string max_or(int64_t v) { return v == -1 ? "max" : std::to_string(v); }
std::string dev(int64_t major, int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

// A field that runc treats as unset when 0.
std::optional<int64_t> set_nonzero(const std::optional<int64_t>& v) {
  return v && *v != 0 ? v : std::nullopt;
}
std::optional<uint64_t> set_nonzero(const std::optional<uint64_t>& v) {
  return v && *v != 0 ? v : std::nullopt;
}

// ---------------------------------------------------------------- memory

Result<void> check_swap_not_below_limit(const MemoryResources& m) {
  auto limit = set_nonzero(m.limit);
  auto swap = set_nonzero(m.swap);
  if (limit && swap && *limit > 0 && *swap > 0 && *swap < *limit)
    return field_error("memory.swap", "must not be lower than memory.limit (swap is the limit of memory+swap)");
  return {};
}

Result<void> memory_v1(const Resources& r, const CgroupCurrent& cur, Writes& out) {
  if (!r.memory) return {};
  const MemoryResources& m = *r.memory;
  TRYV(check_swap_not_below_limit(m));
  auto limit = set_nonzero(m.limit);
  auto swap = set_nonzero(m.swap);
  bool implied_swap = false;
  // Unlimited memory with no word on swap: unlimited swap too (only where swap accounting exists).
  if (limit && *limit == -1 && !swap) {
    swap = -1;
    implied_swap = true;
  }
  auto write_limit = [&] { v1(out, "memory", "memory.limit_in_bytes", num(*limit), "memory.limit"); };
  auto write_swap = [&] {
    v1(out, "memory", "memory.memsw.limit_in_bytes", num(*swap), implied_swap ? "memory.limit" : "memory.swap", implied_swap);
  };
  // The kernel keeps memory.limit <= memory.memsw.limit at every step: raise memsw first when
  // it grows past the current limit (or becomes unlimited), else lower the limit first.
  if (limit && swap) {
    bool swap_first = *swap == -1 || (cur.memory_limit && *cur.memory_limit < static_cast<uint64_t>(*swap));
    if (swap_first) {
      write_swap();
      write_limit();
    } else {
      write_limit();
      write_swap();
    }
  } else if (limit) {
    write_limit();
  } else if (swap) {
    write_swap();
  }
  // Kernel memory limits are deprecated (and a no-op on recent kernels): optional.
  if (auto k = set_nonzero(m.kernel)) v1(out, "memory", "memory.kmem.limit_in_bytes", num(*k), "memory.kernel", true);
  if (auto k = set_nonzero(m.kernel_tcp)) v1(out, "memory", "memory.kmem.tcp.limit_in_bytes", num(*k), "memory.kernelTCP");
  if (auto v = set_nonzero(m.reservation)) v1(out, "memory", "memory.soft_limit_in_bytes", num(*v), "memory.reservation");
  if (m.disable_oom_killer)
    v1(out, "memory", "memory.oom_control", *m.disable_oom_killer ? "1" : "0", "memory.disableOOMKiller", !*m.disable_oom_killer);
  // Hierarchical accounting is always on since Linux 5.14 (writing 0 fails there): true is optional.
  if (m.use_hierarchy)
    v1(out, "memory", "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0", "memory.useHierarchy", *m.use_hierarchy);
  if (m.swappiness) v1(out, "memory", "memory.swappiness", unum(*m.swappiness), "memory.swappiness");
  return {};
}

// memory.swap.max from the v1-style memory+swap value (runc's ConvertMemorySwapToCgroupV2Value).
Result<std::optional<std::string>> swap_v2(const MemoryResources& m, bool& implied) {
  int64_t limit = set_nonzero(m.limit).value_or(0);
  int64_t swap = set_nonzero(m.swap).value_or(0);
  implied = false;
  if (limit == -1 && swap == 0) {
    implied = true;
    return std::optional<std::string>("max");
  }
  if (swap == 0) return std::optional<std::string>();
  if (swap == -1) return std::optional<std::string>("max");
  if (limit == 0 || limit == -1)
    return field_error("memory.swap", "cgroup v2 cannot limit swap without a memory limit (set memory.limit too)");
  TRYV(check_swap_not_below_limit(m));
  return std::optional<std::string>(num(swap - limit));
}

Result<void> memory_v2(const Resources& r, Writes& out) {
  if (!r.memory) return {};
  const MemoryResources& m = *r.memory;
  if (auto k = set_nonzero(m.kernel); k && *k != -1)
    return field_error("memory.kernel", "kernel memory limits do not exist on cgroup v2");
  if (auto k = set_nonzero(m.kernel_tcp); k && *k != -1)
    return field_error("memory.kernelTCP", "kernel TCP memory limits do not exist on cgroup v2");
  if (m.swappiness)
    return field_error("memory.swappiness", "cgroup v2 has no per-cgroup swappiness");
  if (m.disable_oom_killer.value_or(false))
    return field_error("memory.disableOOMKiller", "cgroup v2 cannot disable the OOM killer");
  if (!m.use_hierarchy.value_or(true))
    return field_error("memory.useHierarchy", "cgroup v2 accounting is always hierarchical");
  bool implied = false;
  TRY(auto swap, swap_v2(m, implied));
  if (swap) v2(out, "memory", "memory.swap.max", *swap, implied ? "memory.limit" : "memory.swap", implied);
  if (auto v = set_nonzero(m.limit)) v2(out, "memory", "memory.max", max_or(*v), "memory.limit");
  if (auto v = set_nonzero(m.reservation)) v2(out, "memory", "memory.low", max_or(*v), "memory.reservation");
  return {};
}

// ---------------------------------------------------------------- cpu

Result<void> check_burst(const CpuResources& c) {
  if (c.burst && c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
    return field_error("cpu.burst", "must not be larger than cpu.quota");
  return {};
}

Result<void> cpu_v1(const Resources& r, Writes& out) {
  if (!r.cpu) return {};
  const CpuResources& c = *r.cpu;
  TRYV(check_burst(c));
  if (auto v = set_nonzero(c.shares)) v1(out, "cpu", "cpu.shares", unum(*v), "cpu.shares");
  // The period first: the quota is checked against it.
  if (auto v = set_nonzero(c.period)) v1(out, "cpu", "cpu.cfs_period_us", unum(*v), "cpu.period");
  if (auto v = set_nonzero(c.quota)) v1(out, "cpu", "cpu.cfs_quota_us", num(*v), "cpu.quota");
  if (c.burst) v1(out, "cpu", "cpu.cfs_burst_us", unum(*c.burst), "cpu.burst", *c.burst == 0);
  if (auto v = set_nonzero(c.realtime_period)) v1(out, "cpu", "cpu.rt_period_us", unum(*v), "cpu.realtimePeriod");
  if (auto v = set_nonzero(c.realtime_runtime)) v1(out, "cpu", "cpu.rt_runtime_us", num(*v), "cpu.realtimeRuntime");
  if (c.idle) v1(out, "cpu", "cpu.idle", num(*c.idle), "cpu.idle", *c.idle == 0);
  return {};
}

Result<void> cpu_v2(const Resources& r, Writes& out) {
  if (!r.cpu) return {};
  const CpuResources& c = *r.cpu;
  TRYV(check_burst(c));
  if (set_nonzero(c.realtime_period))
    return field_error("cpu.realtimePeriod", "cgroup v2 has no realtime scheduler limits");
  if (set_nonzero(c.realtime_runtime))
    return field_error("cpu.realtimeRuntime", "cgroup v2 has no realtime scheduler limits");
  if (auto v = set_nonzero(c.shares)) v2(out, "cpu", "cpu.weight", unum(cpu_shares_to_weight(*v)), "cpu.shares");
  auto quota = set_nonzero(c.quota);
  auto period = set_nonzero(c.period);
  if (quota || period) {
    std::string value = quota && *quota > 0 ? num(*quota) : "max";
    if (period) value += " " + unum(*period);
    v2(out, "cpu", "cpu.max", value, quota ? "cpu.quota" : "cpu.period");
  }
  if (c.burst) v2(out, "cpu", "cpu.max.burst", unum(*c.burst), "cpu.burst", *c.burst == 0);
  if (c.idle) v2(out, "cpu", "cpu.idle", num(*c.idle), "cpu.idle", *c.idle == 0);
  return {};
}

// cpus and mems: the cpuset controller on both versions.
Result<void> cpuset_any(const Resources& r, Writes& out, bool is_v2) {
  if (!r.cpu) return {};
  auto add = is_v2 ? v2 : v1;
  if (r.cpu->cpus && !r.cpu->cpus->empty()) add(out, "cpuset", "cpuset.cpus", *r.cpu->cpus, "cpu.cpus", false);
  if (r.cpu->mems && !r.cpu->mems->empty()) add(out, "cpuset", "cpuset.mems", *r.cpu->mems, "cpu.mems", false);
  return {};
}

// ---------------------------------------------------------------- pids

Result<void> pids_any(const Resources& r, Writes& out, bool is_v2) {
  if (!r.pids) return {};
  auto add = is_v2 ? v2 : v1;
  add(out, "pids", "pids.max", r.pids->limit > 0 ? num(r.pids->limit) : "max", "pids.limit", false);
  return {};
}

// ---------------------------------------------------------------- block IO

std::string at(std::string_view field, size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

// The four throttle lists: each entry with its v1 file, its io.max key and its field name.
void throttles(const BlockIOResources& b, const std::function<void(const ThrottleDevice&, const char* v1file,
                                                                   const char* v2key, const std::string& field)>& f) {
  auto each = [&](const std::vector<ThrottleDevice>& list, const char* file, const char* key, std::string_view field) {
    for (size_t i = 0; i < list.size(); ++i) f(list[i], file, key, at(field, i));
  };
  each(b.throttle_read_bps_device, "blkio.throttle.read_bps_device", "rbps", "blockIO.throttleReadBpsDevice");
  each(b.throttle_write_bps_device, "blkio.throttle.write_bps_device", "wbps", "blockIO.throttleWriteBpsDevice");
  each(b.throttle_read_iops_device, "blkio.throttle.read_iops_device", "riops", "blockIO.throttleReadIOPSDevice");
  each(b.throttle_write_iops_device, "blkio.throttle.write_iops_device", "wiops", "blockIO.throttleWriteIOPSDevice");
}

Result<void> blkio_v1(const Resources& r, Writes& out) {
  if (!r.block_io) return {};
  const BlockIOResources& b = *r.block_io;
  auto with_alt = [&](std::string alt) {
    out.back().alt_file = std::move(alt);
    out.back().alt_value = out.back().value;
  };
  if (b.weight) {
    v1(out, "blkio", "blkio.weight", unum(*b.weight), "blockIO.weight");
    with_alt("blkio.bfq.weight");
  }
  if (b.leaf_weight) v1(out, "blkio", "blkio.leaf_weight", unum(*b.leaf_weight), "blockIO.leafWeight");
  for (size_t i = 0; i < b.weight_device.size(); ++i) {
    const WeightDevice& w = b.weight_device[i];
    if (w.weight) {
      v1(out, "blkio", "blkio.weight_device", dev(w.major, w.minor) + " " + unum(*w.weight), at("blockIO.weightDevice", i));
      with_alt("blkio.bfq.weight_device");
    }
    if (w.leaf_weight)
      v1(out, "blkio", "blkio.leaf_weight_device", dev(w.major, w.minor) + " " + unum(*w.leaf_weight),
         at("blockIO.weightDevice", i));
  }
  throttles(b, [&](const ThrottleDevice& t, const char* file, const char*, const std::string& field) {
    v1(out, "blkio", file, dev(t.major, t.minor) + " " + unum(t.rate), field);
  });
  return {};
}

Result<void> io_v2(const Resources& r, Writes& out) {
  if (!r.block_io) return {};
  const BlockIOResources& b = *r.block_io;
  if (b.leaf_weight) return field_error("blockIO.leafWeight", "cgroup v2 has no leaf weights");
  for (size_t i = 0; i < b.weight_device.size(); ++i)
    if (b.weight_device[i].leaf_weight) return field_error(at("blockIO.weightDevice", i) + ".leafWeight", "cgroup v2 has no leaf weights");
  // Like runc and crun: the BFQ file takes the v1 value; else io.weight takes the converted one.
  auto weighted = [&](std::string prefix, uint64_t weight, std::string field) {
    std::string io = weight == 0 ? "default" : unum(blkio_weight_to_io_weight(weight));
    v2(out, "io", "io.bfq.weight", prefix + unum(weight), std::move(field));
    out.back().alt_file = "io.weight";
    out.back().alt_value = prefix + io;
  };
  if (b.weight) weighted("", *b.weight, "blockIO.weight");
  for (size_t i = 0; i < b.weight_device.size(); ++i) {
    const WeightDevice& w = b.weight_device[i];
    if (w.weight) weighted(dev(w.major, w.minor) + " ", *w.weight, at("blockIO.weightDevice", i));
  }
  throttles(b, [&](const ThrottleDevice& t, const char*, const char* key, const std::string& field) {
    v2(out, "io", "io.max", dev(t.major, t.minor) + " " + key + "=" + unum(t.rate), field);
  });
  return {};
}

// ---------------------------------------------------------------- hugetlb

Result<void> hugetlb_any(const Resources& r, Writes& out, bool is_v2) {
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
    const HugepageLimit& h = r.hugepage_limits[i];
    std::string base = "hugetlb." + h.page_size;
    std::string value = unum(h.limit);
    std::string field = "hugepageLimits[" + std::to_string(i) + "]";
    // The limit, then the reservation limit where the kernel has reservation accounting.
    if (is_v2) {
      v2(out, "hugetlb", base + ".max", value, field);
      v2(out, "hugetlb", base + ".rsvd.max", value, field, true);
    } else {
      v1(out, "hugetlb", base + ".limit_in_bytes", value, field);
      v1(out, "hugetlb", base + ".rsvd.limit_in_bytes", value, field, true);
    }
  }
  return {};
}

// ---------------------------------------------------------------- network (v1 only)

Result<void> network_v1(const Resources& r, Writes& out) {
  if (!r.network) return {};
  if (r.network->class_id) v1(out, "net_cls", "net_cls.classid", unum(*r.network->class_id), "network.classID");
  for (size_t i = 0; i < r.network->priorities.size(); ++i) {
    const InterfacePriority& p = r.network->priorities[i];
    v1(out, "net_prio", "net_prio.ifpriomap", p.name + " " + unum(p.priority), at("network.priorities", i));
  }
  return {};
}

Result<void> network_v2(const Resources& r, Writes&) {
  if (!r.network) return {};
  if (r.network->class_id) return field_error("network.classID", "cgroup v2 has no net_cls controller");
  if (!r.network->priorities.empty()) return field_error("network.priorities", "cgroup v2 has no net_prio controller");
  return {};
}

// ---------------------------------------------------------------- rdma

Result<void> rdma_any(const Resources& r, Writes& out, bool is_v2) {
  auto add = is_v2 ? v2 : v1;
  for (auto& [device, l] : r.rdma) {
    std::string value = device;
    if (l.hca_handles) value += " hca_handle=" + unum(*l.hca_handles);
    if (l.hca_objects) value += " hca_object=" + unum(*l.hca_objects);
    add(out, "rdma", "rdma.max", value, "rdma." + device, false);
  }
  return {};
}

// ---------------------------------------------------------------- devices

Result<void> devices_v1(const Resources& r, Writes& out) {
  for (size_t i = 0; i < r.devices.size(); ++i) {
    const DeviceRule& d = r.devices[i];
    v1(out, "devices", d.allow ? "devices.allow" : "devices.deny", device_rule_line(d),
       "devices[" + std::to_string(i) + "]");
  }
  return {};
}

// cgroup v2 has no devices files: apply_resources attaches an eBPF program instead
// (device_filter.cpp), so there is nothing to write here.
Result<void> devices_v2(const Resources&, Writes&) { return {}; }

// ---------------------------------------------------------------- unified

// The controller of a cgroup v2 file name: "io.max" → "io" ("cgroup" for core files).
std::string unified_controller(const std::string& key) { return key.substr(0, key.find('.')); }

Result<void> unified_v2(const Resources& r, Writes& out) {
  for (auto& [key, value] : r.unified) v2(out, unified_controller(key), key, value, "unified." + key);
  return {};
}

// ---------------------------------------------------------------- groups

// One controller group: its v1 hierarchy, its v2 controller, and both translations.
struct Group {
  const char* v1_name;
  const char* v2_name;
  std::function<Result<void>(const Resources&, const CgroupCurrent&, Writes&)> to_v1;
  std::function<Result<void>(const Resources&, Writes&)> to_v2;
};

const std::vector<Group>& groups() {
  static const std::vector<Group> g = {
      {"memory", "memory", memory_v1, memory_v2},
      {"cpu", "cpu", [](auto& r, auto&, auto& o) { return cpu_v1(r, o); }, cpu_v2},
      {"cpuset", "cpuset", [](auto& r, auto&, auto& o) { return cpuset_any(r, o, false); },
       [](auto& r, auto& o) { return cpuset_any(r, o, true); }},
      {"pids", "pids", [](auto& r, auto&, auto& o) { return pids_any(r, o, false); },
       [](auto& r, auto& o) { return pids_any(r, o, true); }},
      {"blkio", "io", [](auto& r, auto&, auto& o) { return blkio_v1(r, o); }, io_v2},
      {"hugetlb", "hugetlb", [](auto& r, auto&, auto& o) { return hugetlb_any(r, o, false); },
       [](auto& r, auto& o) { return hugetlb_any(r, o, true); }},
      // net_cls and net_prio: v1 only (their v2 "translation" refuses non-empty settings).
      {"net_cls", "", [](auto& r, auto&, auto& o) { return network_v1(r, o); }, network_v2},
      {"rdma", "rdma", [](auto& r, auto&, auto& o) { return rdma_any(r, o, false); },
       [](auto& r, auto& o) { return rdma_any(r, o, true); }},
      {"devices", "", [](auto& r, auto&, auto& o) { return devices_v1(r, o); }, devices_v2},
  };
  return g;
}

}  // namespace

uint64_t cpu_shares_to_weight(uint64_t shares) {
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  weight = std::clamp<uint64_t>(weight, 10, 1000);
  return 1 + (weight - 10) * 9999 / 990;
}

std::string device_rule_line(const DeviceRule& d) {
  auto part = [](const std::optional<int64_t>& v) { return v && *v >= 0 ? std::to_string(*v) : std::string("*"); };
  return std::string(1, d.type) + " " + part(d.major) + ":" + part(d.minor) + " " + (d.access.empty() ? "rwm" : d.access);
}

Result<std::vector<CgroupWrite>> resources_to_v1(const Resources& r, const CgroupCurrent& current) {
  if (!r.unified.empty())
    return field_error("unified", "cgroup v2 files (\"" + r.unified.begin()->first +
                                      "\") cannot be set: this host has only cgroup v1");
  Writes out;
  for (auto& g : groups()) TRYV(g.to_v1(r, current, out));
  return out;
}

Result<std::vector<CgroupWrite>> resources_to_v2(const Resources& r) {
  Writes out;
  for (auto& g : groups()) TRYV(g.to_v2(r, out));
  TRYV(unified_v2(r, out));
  return out;
}

Result<std::vector<CgroupWrite>> resources_to_hybrid(const Resources& r, const HybridControllers& host,
                                                     const CgroupCurrent& current) {
  Writes out;
  for (auto& g : groups()) {
    bool on_v2 = !host.v1.contains(g.v1_name) && *g.v2_name && host.v2.contains(g.v2_name);
    if (on_v2) {
      TRYV(g.to_v2(r, out));
    } else {
      TRYV(g.to_v1(r, current, out));
    }
  }
  for (auto& [key, value] : r.unified) {
    std::string ctrl = unified_controller(key);
    if (ctrl != "cgroup" && !host.v2.contains(ctrl))
      return field_error("unified." + key, "the " + ctrl +
                                               " controller is not available in this host's cgroup v2 hierarchy "
                                               "(a v1/v2 hybrid: it is a v1 controller or absent)");
  }
  TRYV(unified_v2(r, out));
  return out;
}

}  // namespace runz::linux
