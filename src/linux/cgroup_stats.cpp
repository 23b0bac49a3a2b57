// Cgroup files → CgroupStats, following what runc reads on v1 and v2.
#include "linux/cgroup_stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <limits>
#include <optional>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// The directory of each controller group for this cgroup ("" when the host has none).
struct Dirs {
  bool v2 = false;
  std::string cpu, cpuacct, cpuset, memory, pids, blkio, hugetlb;
  bool hugetlb_v2 = false;
};

std::string existing(const std::string& dir) { return path_exists(dir) ? dir : std::string(); }

Dirs dirs_for(const CgroupManager& cg, const std::string& root) {
  Dirs d;
  const std::string& path = cg.path();
  if (cg.layout() == CgroupLayout::v2) {
    std::string dir = existing(root + path);
    d.v2 = d.hugetlb_v2 = true;
    d.cpu = d.cpuacct = d.cpuset = d.memory = d.pids = d.blkio = d.hugetlb = dir;
    return d;
  }
  auto v1 = [&](const char* controller) { return existing(root + "/" + controller + path); };
  d.cpu = v1("cpu");
  d.cpuacct = v1("cpuacct");
  d.cpuset = v1("cpuset");
  d.memory = v1("memory");
  d.pids = v1("pids");
  d.blkio = v1("blkio");
  d.hugetlb = v1("hugetlb");
  // The hybrid's cgroup2 part carries what the v1 side lacks (hugetlb on the CI host).
  if (cg.layout() == CgroupLayout::hybrid && !path_exists(root + "/hugetlb")) {
    d.hugetlb = existing(root + "/unified" + path);
    d.hugetlb_v2 = true;
  }
  return d;
}

std::optional<std::string> text_of(const std::string& dir, std::string_view file) {
  if (dir.empty()) return std::nullopt;
  auto text = read_file(dir + "/" + std::string(file));
  if (!text) return std::nullopt;
  return std::move(*text);
}

// One number; "max" is UINT64_MAX. Missing or malformed: nullopt.
std::optional<uint64_t> number(const std::string& dir, std::string_view file) {
  auto text = text_of(dir, file);
  if (!text) return std::nullopt;
  std::string_view t = trim(*text);
  if (t == "max") return kMax;
  return parse_uint(t);
}

uint64_t number_or_zero(const std::string& dir, std::string_view file) { return number(dir, file).value_or(0); }

// "key value" lines (memory.stat, cpu.stat, cpuacct.stat, memory.events).
std::map<std::string, uint64_t> key_values(const std::string& dir, std::string_view file) {
  std::map<std::string, uint64_t> out;
  auto text = text_of(dir, file);
  if (!text) return out;
  for (auto& line : split(*text, '\n')) {
    auto parts = split(trim(line), ' ');
    if (parts.size() != 2) continue;
    if (auto v = parse_uint(parts[1])) out[parts[0]] = *v;
  }
  return out;
}

uint64_t get(const std::map<std::string, uint64_t>& kv, const std::string& key) {
  auto it = kv.find(key);
  return it == kv.end() ? 0 : it->second;
}

std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  for (auto& f : split(trim(line), ' '))
    if (!trim(f).empty()) out.emplace_back(trim(f));
  return out;
}

std::vector<uint64_t> number_list(const std::string& dir, std::string_view file) {
  std::vector<uint64_t> out;
  auto text = text_of(dir, file);
  if (!text) return out;
  for (auto& f : fields(*text))
    if (auto v = parse_uint(f)) out.push_back(*v);
  return out;
}

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > kMax - b ? kMax : a + b; }

// ---------------------------------------------------------------- cpu

void cpu_v1(const Dirs& d, CpuStats& cpu) {
  cpu.usage.total = number_or_zero(d.cpuacct, "cpuacct.usage");
  cpu.usage.percpu = number_list(d.cpuacct, "cpuacct.usage_percpu");
  // "cpu user system" then one line per cpu, in nanoseconds.
  if (auto all = text_of(d.cpuacct, "cpuacct.usage_all")) {
    auto lines = split(*all, '\n');
    for (size_t i = 1; i < lines.size(); ++i) {
      auto f = fields(lines[i]);
      if (f.size() != 3) continue;
      cpu.usage.percpu_user.push_back(parse_uint(f[1]).value_or(0));
      cpu.usage.percpu_kernel.push_back(parse_uint(f[2]).value_or(0));
    }
  }
  // cpuacct.stat counts clock ticks.
  auto stat = key_values(d.cpuacct, "cpuacct.stat");
  long hz = ::sysconf(_SC_CLK_TCK);
  uint64_t ns_per_tick = hz > 0 ? 1000000000ull / static_cast<uint64_t>(hz) : 10000000ull;
  cpu.usage.user = get(stat, "user") * ns_per_tick;
  cpu.usage.kernel = get(stat, "system") * ns_per_tick;
  auto throttle = key_values(d.cpu, "cpu.stat");
  cpu.throttling.periods = get(throttle, "nr_periods");
  cpu.throttling.throttled_periods = get(throttle, "nr_throttled");
  cpu.throttling.throttled_time = get(throttle, "throttled_time");
}

void cpu_v2(const Dirs& d, CpuStats& cpu) {
  auto stat = key_values(d.cpu, "cpu.stat");
  cpu.usage.total = get(stat, "usage_usec") * 1000;
  cpu.usage.user = get(stat, "user_usec") * 1000;
  cpu.usage.kernel = get(stat, "system_usec") * 1000;
  cpu.throttling.periods = get(stat, "nr_periods");
  cpu.throttling.throttled_periods = get(stat, "nr_throttled");
  cpu.throttling.throttled_time = get(stat, "throttled_usec") * 1000;
}

// ---------------------------------------------------------------- cpuset

void cpuset_v1(const Dirs& d, CpusetStats& s) {
  if (auto t = text_of(d.cpuset, "cpuset.cpus")) s.cpus = parse_cpu_list(*t);
  if (auto t = text_of(d.cpuset, "cpuset.mems")) s.mems = parse_cpu_list(*t);
  s.cpu_exclusive = number_or_zero(d.cpuset, "cpuset.cpu_exclusive");
  s.mem_hardwall = number_or_zero(d.cpuset, "cpuset.mem_hardwall");
  s.mem_exclusive = number_or_zero(d.cpuset, "cpuset.mem_exclusive");
  s.memory_migrate = number_or_zero(d.cpuset, "cpuset.memory_migrate");
  s.memory_spread_page = number_or_zero(d.cpuset, "cpuset.memory_spread_page");
  s.memory_spread_slab = number_or_zero(d.cpuset, "cpuset.memory_spread_slab");
  s.memory_pressure = number_or_zero(d.cpuset, "cpuset.memory_pressure");
  s.sched_load_balance = number_or_zero(d.cpuset, "cpuset.sched_load_balance");
  if (auto t = text_of(d.cpuset, "cpuset.sched_relax_domain_level"))
    if (auto v = parse_int(trim(*t))) s.sched_relax_domain_level = *v;
}

void cpuset_v2(const Dirs& d, CpusetStats& s) {
  if (auto t = text_of(d.cpuset, "cpuset.cpus.effective")) s.cpus = parse_cpu_list(*t);
  if (auto t = text_of(d.cpuset, "cpuset.mems.effective")) s.mems = parse_cpu_list(*t);
}

// ---------------------------------------------------------------- memory

MemoryEntryStats memory_entry_v1(const std::string& dir, const std::string& prefix) {
  MemoryEntryStats e;
  e.usage = number_or_zero(dir, prefix + ".usage_in_bytes");
  e.max = number_or_zero(dir, prefix + ".max_usage_in_bytes");
  e.limit = number_or_zero(dir, prefix + ".limit_in_bytes");
  e.failcnt = number_or_zero(dir, prefix + ".failcnt");
  return e;
}

void memory_v1(const Dirs& d, MemoryStats& m) {
  m.usage = memory_entry_v1(d.memory, "memory");
  m.swap = memory_entry_v1(d.memory, "memory.memsw");
  m.kernel = memory_entry_v1(d.memory, "memory.kmem");
  m.kernel_tcp = memory_entry_v1(d.memory, "memory.kmem.tcp");
  m.raw = key_values(d.memory, "memory.stat");
  m.cache = get(m.raw, "cache");
  m.oom_kill = get(key_values(d.memory, "memory.oom_control"), "oom_kill");
}

// v2 has no failcnt; the count of "max" events (the limit was hit) is the closest.
MemoryEntryStats memory_entry_v2(const std::string& dir, const std::string& prefix) {
  MemoryEntryStats e;
  e.usage = number_or_zero(dir, prefix + ".current");
  e.limit = number_or_zero(dir, prefix + ".max");
  e.max = number_or_zero(dir, prefix + ".peak");
  e.failcnt = get(key_values(dir, prefix + ".events"), "max");
  return e;
}

void memory_v2(const Dirs& d, MemoryStats& m) {
  m.usage = memory_entry_v2(d.memory, "memory");
  // v1 counts swap as memory+swap; report v2's swap the same way, as runc does.
  MemoryEntryStats swap = memory_entry_v2(d.memory, "memory.swap");
  m.swap.usage = saturating_add(swap.usage, m.usage.usage);
  m.swap.limit = swap.limit == kMax ? kMax : saturating_add(swap.limit, m.usage.limit);
  m.swap.failcnt = swap.failcnt;
  m.raw = key_values(d.memory, "memory.stat");
  m.cache = get(m.raw, "file");
  m.oom_kill = get(key_values(d.memory, "memory.events"), "oom_kill");
}

// ---------------------------------------------------------------- pids

void pids(const Dirs& d, PidsStats& p) {
  p.current = number_or_zero(d.pids, "pids.current");
  uint64_t limit = number_or_zero(d.pids, "pids.max");
  p.limit = limit == kMax ? 0 : limit;
}

// ---------------------------------------------------------------- blkio

// "8:0 Read 4096" (or "8:0 4096" for time and sector counts); "Total N" lines are skipped.
std::vector<BlkioEntry> blkio_entries(const std::string& dir, const char* file) {
  std::vector<BlkioEntry> out;
  auto text = text_of(dir, file);
  if (!text) return out;
  for (auto& line : split(*text, '\n')) {
    auto f = fields(line);
    if (f.size() < 2 || f.size() > 3) continue;
    auto dev = split(f[0], ':');
    if (dev.size() != 2) continue;
    auto major = parse_uint(dev[0]), minor = parse_uint(dev[1]);
    auto value = parse_uint(f.back());
    if (!major || !minor || !value) continue;
    out.push_back({*major, *minor, f.size() == 3 ? f[1] : std::string(), *value});
  }
  return out;
}

// The first of the files (bfq, cfq, throttle: runc's order) that has entries.
std::vector<BlkioEntry> first_blkio(const std::string& dir, std::initializer_list<const char*> files) {
  for (const char* f : files) {
    auto entries = blkio_entries(dir, f);
    if (!entries.empty()) return entries;
  }
  return {};
}

void blkio_v1(const Dirs& d, BlkioStats& b) {
  const std::string& dir = d.blkio;
  b.io_service_bytes_recursive =
      first_blkio(dir, {"blkio.bfq.io_service_bytes_recursive", "blkio.io_service_bytes_recursive",
                        "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes"});
  b.io_serviced_recursive = first_blkio(dir, {"blkio.bfq.io_serviced_recursive", "blkio.io_serviced_recursive",
                                              "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced"});
  b.io_queued_recursive = first_blkio(dir, {"blkio.bfq.io_queued_recursive", "blkio.io_queued_recursive"});
  b.io_service_time_recursive =
      first_blkio(dir, {"blkio.bfq.io_service_time_recursive", "blkio.io_service_time_recursive"});
  b.io_wait_time_recursive = first_blkio(dir, {"blkio.bfq.io_wait_time_recursive", "blkio.io_wait_time_recursive"});
  b.io_merged_recursive = first_blkio(dir, {"blkio.bfq.io_merged_recursive", "blkio.io_merged_recursive"});
  b.io_time_recursive = first_blkio(dir, {"blkio.bfq.time_recursive", "blkio.time_recursive"});
  b.sectors_recursive = first_blkio(dir, {"blkio.bfq.sectors_recursive", "blkio.sectors_recursive"});
}

// io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0".
void blkio_v2(const Dirs& d, BlkioStats& b) {
  auto text = text_of(d.blkio, "io.stat");
  if (!text) return;
  for (auto& line : split(*text, '\n')) {
    auto f = fields(line);
    if (f.empty()) continue;
    auto dev = split(f[0], ':');
    if (dev.size() != 2) continue;
    auto major = parse_uint(dev[0]), minor = parse_uint(dev[1]);
    if (!major || !minor) continue;
    for (size_t i = 1; i < f.size(); ++i) {
      auto eq = f[i].find('=');
      if (eq == std::string::npos) continue;
      std::string key = f[i].substr(0, eq);
      auto value = parse_uint(std::string_view(f[i]).substr(eq + 1));
      if (!value) continue;
      std::vector<BlkioEntry>* table = nullptr;
      std::string op;
      if (key == "rbytes") table = &b.io_service_bytes_recursive, op = "Read";
      else if (key == "wbytes") table = &b.io_service_bytes_recursive, op = "Write";
      else if (key == "dbytes") table = &b.io_service_bytes_recursive, op = "Discard";
      else if (key == "rios") table = &b.io_serviced_recursive, op = "Read";
      else if (key == "wios") table = &b.io_serviced_recursive, op = "Write";
      else if (key == "dios") table = &b.io_serviced_recursive, op = "Discard";
      if (table) table->push_back({*major, *minor, op, *value});
    }
  }
}

// ---------------------------------------------------------------- hugetlb

// The page sizes the directory has files for: hugetlb.<size>.<suffix>.
std::vector<std::string> page_sizes(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> out;
  if (dir.empty()) return out;
  DIR* dp = ::opendir(dir.c_str());
  if (!dp) return out;
  while (dirent* e = ::readdir(dp)) {
    std::string_view name = e->d_name;
    if (!name.starts_with("hugetlb.") || !name.ends_with(suffix)) continue;
    name.remove_prefix(8);
    name.remove_suffix(suffix.size());
    if (name.empty() || name.find('.') != std::string_view::npos) continue;  // *.rsvd.*
    out.emplace_back(name);
  }
  ::closedir(dp);
  return out;
}

void hugetlb(const Dirs& d, std::map<std::string, HugetlbStats>& out) {
  if (d.hugetlb_v2) {
    for (auto& size : page_sizes(d.hugetlb, ".current")) {
      HugetlbStats h;
      std::string p = "hugetlb." + size;
      h.usage = number_or_zero(d.hugetlb, p + ".current");
      h.failcnt = get(key_values(d.hugetlb, p + ".events"), "max");
      out[size] = h;
    }
    return;
  }
  for (auto& size : page_sizes(d.hugetlb, ".usage_in_bytes")) {
    HugetlbStats h;
    std::string p = "hugetlb." + size;
    h.usage = number_or_zero(d.hugetlb, p + ".usage_in_bytes");
    h.max = number_or_zero(d.hugetlb, p + ".max_usage_in_bytes");
    h.failcnt = number_or_zero(d.hugetlb, p + ".failcnt");
    out[size] = h;
  }
}

}  // namespace

std::vector<uint16_t> parse_cpu_list(std::string_view text) {
  std::vector<uint16_t> out;
  for (auto& part : split(trim(text), ',')) {
    std::string_view p = trim(part);
    if (p.empty()) continue;
    auto dash = p.find('-');
    auto lo = parse_uint(p.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parse_uint(p.substr(dash + 1));
    if (!lo || !hi || *hi < *lo || *hi > std::numeric_limits<uint16_t>::max()) continue;
    for (uint64_t i = *lo; i <= *hi; ++i) out.push_back(static_cast<uint16_t>(i));
  }
  return out;
}

Result<CgroupStats> read_cgroup_stats(const CgroupManager& cg, const std::string& root) {
  Dirs d = dirs_for(cg, root);
  if (d.cpu.empty() && d.cpuacct.empty() && d.cpuset.empty() && d.memory.empty() && d.pids.empty() &&
      d.blkio.empty() && d.hugetlb.empty())
    return fail(Error{ENOENT, "stats: the cgroup " + cg.path() + " does not exist"});
  CgroupStats s;
  if (d.v2) {
    cpu_v2(d, s.cpu);
    cpuset_v2(d, s.cpuset);
    memory_v2(d, s.memory);
    blkio_v2(d, s.blkio);
  } else {
    cpu_v1(d, s.cpu);
    cpuset_v1(d, s.cpuset);
    memory_v1(d, s.memory);
    blkio_v1(d, s.blkio);
  }
  pids(d, s.pids);
  hugetlb(d, s.hugetlb);
  return s;
}

}  // namespace runz::linux
