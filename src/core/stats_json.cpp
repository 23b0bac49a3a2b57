#include "core/stats_json.hpp"

#include <nlohmann/json.hpp>

namespace runz::core {
namespace {

// Keys in the order runc writes them (Go struct order), not sorted.
using ojson = nlohmann::ordered_json;

// Go's omitempty: a zero number or an empty list is left out.
template <typename T>
void put_nonzero(ojson& j, const char* key, const T& v) {
  if (v != T{}) j[key] = v;
}

template <typename T>
void put_nonempty(ojson& j, const char* key, const std::vector<T>& v) {
  if (!v.empty()) j[key] = v;
}

ojson cpu_json(const linux::CpuStats& c) {
  ojson usage = ojson::object();
  put_nonzero(usage, "total", c.usage.total);
  put_nonempty(usage, "percpu", c.usage.percpu);
  put_nonempty(usage, "percpu_kernel", c.usage.percpu_kernel);
  put_nonempty(usage, "percpu_user", c.usage.percpu_user);
  usage["kernel"] = c.usage.kernel;
  usage["user"] = c.usage.user;
  ojson throttling = ojson::object();
  put_nonzero(throttling, "periods", c.throttling.periods);
  put_nonzero(throttling, "throttledPeriods", c.throttling.throttled_periods);
  put_nonzero(throttling, "throttledTime", c.throttling.throttled_time);
  return ojson{{"usage", usage}, {"throttling", throttling}};
}

ojson cpuset_json(const linux::CpusetStats& s) {
  ojson j = ojson::object();
  put_nonempty(j, "cpus", s.cpus);
  j["cpu_exclusive"] = s.cpu_exclusive;
  put_nonempty(j, "mems", s.mems);
  j["mem_hardwall"] = s.mem_hardwall;
  j["mem_exclusive"] = s.mem_exclusive;
  j["memory_migrate"] = s.memory_migrate;
  j["memory_spread_page"] = s.memory_spread_page;
  j["memory_spread_slab"] = s.memory_spread_slab;
  j["memory_pressure"] = s.memory_pressure;
  j["sched_load_balance"] = s.sched_load_balance;
  j["sched_relax_domain_level"] = s.sched_relax_domain_level;
  return j;
}

ojson memory_entry_json(const linux::MemoryEntryStats& e) {
  ojson j = ojson::object();
  j["limit"] = e.limit;
  put_nonzero(j, "usage", e.usage);
  put_nonzero(j, "max", e.max);
  j["failcnt"] = e.failcnt;
  return j;
}

ojson memory_json(const linux::MemoryStats& m) {
  ojson j = ojson::object();
  put_nonzero(j, "cache", m.cache);
  j["usage"] = memory_entry_json(m.usage);
  j["swap"] = memory_entry_json(m.swap);
  j["kernel"] = memory_entry_json(m.kernel);
  j["kernelTCP"] = memory_entry_json(m.kernel_tcp);
  if (!m.raw.empty()) {
    ojson raw = ojson::object();
    for (auto& [k, v] : m.raw) raw[k] = v;
    j["raw"] = raw;
  }
  return j;
}

ojson pids_stats_json(const linux::PidsStats& p) {
  ojson j = ojson::object();
  put_nonzero(j, "current", p.current);
  put_nonzero(j, "limit", p.limit);
  return j;
}

void put_blkio(ojson& j, const char* key, const std::vector<linux::BlkioEntry>& entries) {
  if (entries.empty()) return;
  ojson list = ojson::array();
  for (auto& e : entries) {
    ojson x = ojson::object();
    put_nonzero(x, "major", e.major);
    put_nonzero(x, "minor", e.minor);
    if (!e.op.empty()) x["op"] = e.op;
    put_nonzero(x, "value", e.value);
    list.push_back(x);
  }
  j[key] = list;
}

ojson blkio_json(const linux::BlkioStats& b) {
  ojson j = ojson::object();
  put_blkio(j, "ioServiceBytesRecursive", b.io_service_bytes_recursive);
  put_blkio(j, "ioServicedRecursive", b.io_serviced_recursive);
  put_blkio(j, "ioQueueRecursive", b.io_queued_recursive);
  put_blkio(j, "ioServiceTimeRecursive", b.io_service_time_recursive);
  put_blkio(j, "ioWaitTimeRecursive", b.io_wait_time_recursive);
  put_blkio(j, "ioMergedRecursive", b.io_merged_recursive);
  put_blkio(j, "ioTimeRecursive", b.io_time_recursive);
  put_blkio(j, "sectorsRecursive", b.sectors_recursive);
  return j;
}

ojson hugetlb_json(const std::map<std::string, linux::HugetlbStats>& h) {
  ojson j = ojson::object();
  for (auto& [size, s] : h) {
    ojson x = ojson::object();
    put_nonzero(x, "usage", s.usage);
    put_nonzero(x, "max", s.max);
    x["failcnt"] = s.failcnt;
    j[size] = x;
  }
  return j;
}

}  // namespace

std::string stats_event_json(std::string_view id, const linux::CgroupStats& s) {
  ojson data = ojson::object();
  data["cpu"] = cpu_json(s.cpu);
  data["cpuset"] = cpuset_json(s.cpuset);
  data["memory"] = memory_json(s.memory);
  data["pids"] = pids_stats_json(s.pids);
  data["blkio"] = blkio_json(s.blkio);
  data["hugetlb"] = hugetlb_json(s.hugetlb);
  data["intel_rdt"] = ojson::object();
  data["network_interfaces"] = nullptr;
  ojson event = ojson::object();
  event["type"] = "stats";
  event["id"] = std::string(id);
  event["data"] = data;
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string oom_event_json(std::string_view id) {
  ojson event = ojson::object();
  event["type"] = "oom";
  event["id"] = std::string(id);
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string pids_json(const std::vector<pid_t>& pids) {
  std::string out = "[";
  for (size_t i = 0; i < pids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(pids[i]);
  }
  out += ']';
  return out;
}

}  // namespace runz::core
