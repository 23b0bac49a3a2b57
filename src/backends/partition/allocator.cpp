#include "backends/partition/allocator.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "linux/proc.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::partition {

namespace {

using json = nlohmann::json;
using Table = std::map<std::string, Allocation>;

// ---- the state file ----

json range_json(const AddressRange& r) { return {{"start", r.start}, {"size", r.size}}; }
AddressRange range_of(const json& j) { return {j.at("start").get<uint64_t>(), j.at("size").get<uint64_t>()}; }

json to_json(const Allocation& a) {
  json j = {{"id", a.container_id},
            {"cpus", std::vector<unsigned>(a.cpus.begin(), a.cpus.end())},
            {"memory", {{"pool", a.memory.pool}, {"start", a.memory.range.start}, {"size", a.memory.range.size}}},
            {"devices", a.devices},
            {"rpu", a.rpu},
            {"owner_pid", a.owner_pid},
            {"owner_start", a.owner_start}};
  if (a.ivshmem) {
    j["ivshmem"] = range_json(a.ivshmem->range);
    j["ivshmem"]["slot"] = a.ivshmem->slot;
  }
  return j;
}

Allocation from_json(const json& j) {
  Allocation a;
  a.container_id = j.at("id").get<std::string>();
  for (unsigned c : j.at("cpus").get<std::vector<unsigned>>()) a.cpus.insert(c);
  a.memory.pool = j.at("memory").at("pool").get<std::string>();
  a.memory.range = range_of(j.at("memory"));
  if (j.contains("ivshmem")) a.ivshmem = CommRegion{j["ivshmem"].at("slot").get<unsigned>(), range_of(j["ivshmem"])};
  a.devices = j.at("devices").get<std::vector<std::string>>();
  a.rpu = j.at("rpu").get<std::string>();
  a.owner_pid = j.at("owner_pid").get<pid_t>();
  a.owner_start = j.at("owner_start").get<uint64_t>();
  return a;
}

Result<Table> load_table(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    if (text.error().code == ENOENT) return Table{};
    return fail(std::move(text.error()));
  }
  Table table;
  try {
    json doc = json::parse(*text);
    for (const json& j : doc.at("allocations")) {
      Allocation a = from_json(j);
      table.emplace(a.container_id, std::move(a));
    }
  } catch (const json::exception& e) {
    return fail_user(path + ": broken partition allocation state (" + e.what() + ")");
  }
  return table;
}

Result<void> save_table(const std::string& path, const Table& table) {
  json list = json::array();
  for (const auto& [id, a] : table) list.push_back(to_json(a));
  return write_file_atomic(path, json{{"allocations", list}}.dump(1) + "\n", 0600);
}

// Holds the state's flock for its lifetime: exclusive for changes, shared for reading.
class StateLock {
 public:
  static Result<StateLock> take(const std::string& state_path, bool exclusive) {
    const std::string path = state_path + ".lock";
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return fail_sys("open " + path);
    while (::flock(fd.get(), exclusive ? LOCK_EX : LOCK_SH) != 0)
      if (errno != EINTR) return fail_sys("lock " + path);
    return StateLock(std::move(fd));
  }

 private:
  explicit StateLock(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};

// ---- what is taken ----

struct Usage {
  CpuSet cpus;
  std::vector<AddressRange> memory;
  std::set<unsigned> slots;
  std::map<std::string, std::string> devices;  // name -> holder
  std::map<std::string, std::string> rprocs;   // name -> holder
};

Usage usage_of(const Table& table) {
  Usage u;
  for (const auto& [id, a] : table) {
    u.cpus.insert(a.cpus.begin(), a.cpus.end());
    u.memory.push_back(a.memory.range);
    if (a.ivshmem) u.slots.insert(a.ivshmem->slot);
    for (const auto& d : a.devices) u.devices[d] = id;
    if (!a.rpu.empty()) u.rprocs[a.rpu] = id;
  }
  return u;
}

// ---- CPUs ----

struct CpuFree {
  CpuSet usable;                    // may be handed out now
  std::optional<unsigned> reserved; // free, but the root cell's last CPU

  std::string text() const {
    std::string s = usable.empty() ? "no CPU is free" : "free CPUs are " + format_cpu_list(usable);
    if (reserved) s += " (CPU " + std::to_string(*reserved) + " stays with the root cell)";
    return s;
  }
};

CpuFree free_cpus(const PartitionPlatform& p, const Usage& u) {
  CpuFree f;
  for (unsigned c : p.cpus)
    if (!u.cpus.contains(c) && !(p.arch == Arch::x86 && c == 0)) f.usable.insert(c);
  CpuSet root_left;
  for (unsigned c : p.root_cell_cpus)
    if (!u.cpus.contains(c)) root_left.insert(c);
  bool all_could_go = std::ranges::all_of(root_left, [&](unsigned c) { return f.usable.contains(c); });
  if (!root_left.empty() && all_could_go) {
    f.reserved = *root_left.rbegin();
    f.usable.erase(*f.reserved);
  }
  return f;
}

Result<CpuSet> pick_cpus(const PartitionPlatform& p, const Usage& u, const PartitionRequest& req) {
  CpuFree f = free_cpus(p, u);
  if (!req.cpus.empty()) {
    CpuSet foreign;
    for (unsigned c : req.cpus)
      if (!p.cpus.contains(c) || (p.arch == Arch::x86 && c == 0)) foreign.insert(c);
    if (!foreign.empty())
      return fail_user("cannot allocate CPUs " + format_cpu_list(req.cpus) + ": CPUs " + format_cpu_list(foreign) +
                       " are not ones runz may hand out (partition.cpus = " + format_cpu_list(p.cpus) + ")");
    CpuSet free = f.usable;
    if (f.reserved) free.insert(*f.reserved);
    if (!std::ranges::includes(free, req.cpus))
      return fail_user("cannot allocate CPUs " + format_cpu_list(req.cpus) + ": " + f.text());
    // Named CPUs may include the held-back one, as long as the root cell keeps another.
    bool root_keeps_one = std::ranges::any_of(p.root_cell_cpus, [&](unsigned c) {
      return !u.cpus.contains(c) && !req.cpus.contains(c);
    });
    if (!root_keeps_one)
      return fail_user("cannot allocate CPUs " + format_cpu_list(req.cpus) + ": the root cell would have no CPU left");
    return req.cpus;
  }
  if (req.cpu_count == 0) return fail_user("cannot allocate 0 CPUs: a cell needs at least one");
  if (f.usable.size() < req.cpu_count)
    return fail_user("cannot allocate " + std::to_string(req.cpu_count) + (req.cpu_count == 1 ? " CPU: " : " CPUs: ") + f.text());
  CpuSet out;
  for (auto it = f.usable.begin(); out.size() < req.cpu_count; ++it) out.insert(*it);
  return out;
}

// ---- memory ----

uint64_t align_up(uint64_t v, uint64_t align) { return (v + align - 1) & ~(align - 1); }

// The parts of the pool no allocation covers, lowest first.
std::vector<AddressRange> free_gaps(const MemoryPool& pool, std::vector<AddressRange> used) {
  std::ranges::sort(used, {}, &AddressRange::start);
  std::vector<AddressRange> gaps;
  uint64_t at = pool.range.start;
  for (const auto& r : used) {
    if (!r.overlaps(pool.range)) continue;
    if (r.start > at) gaps.push_back({at, r.start - at});
    at = std::max(at, r.end());
  }
  if (at < pool.range.end()) gaps.push_back({at, pool.range.end() - at});
  return gaps;
}

// The largest block a gap offers once its start is aligned.
AddressRange usable_part(const AddressRange& gap, uint64_t align) {
  uint64_t start = align_up(gap.start, align);
  if (start >= gap.end()) return {start, 0};
  return {start, gap.end() - start};
}

Result<MemoryBlock> pick_memory(const PartitionPlatform& p, const Usage& u, uint64_t bytes) {
  const std::string asked = "cannot allocate " + format_size(bytes) + " of memory";
  if (bytes == 0) return fail_user("cannot allocate 0 bytes of memory");
  if (p.memory_pools.empty()) return fail_user(asked + ": no [[partition.memory_pool]] is configured");
  std::optional<AddressRange> largest;
  for (const MemoryPool& pool : p.memory_pools) {
    if (bytes > UINT64_MAX - pool.align) continue;
    uint64_t size = align_up(bytes, pool.align);
    for (const AddressRange& gap : free_gaps(pool, u.memory)) {
      AddressRange part = usable_part(gap, pool.align);
      if (part.size >= size) return MemoryBlock{pool.name, {part.start, size}};
      if (!largest || part.size > largest->size) largest = part;
    }
  }
  if (!largest || largest->size == 0) return fail_user(asked + ": the memory pools are full");
  return fail_user(asked + ": largest free block is " + format_size(largest->size) + " at " + format_hex(largest->start));
}

// ---- comm regions, devices, rprocs ----

Result<std::optional<CommRegion>> pick_comm(const PartitionPlatform& p, const Usage& u, bool wanted) {
  if (!wanted) return std::optional<CommRegion>();
  if (!p.ivshmem) return fail_user("cannot allocate a comm region: [partition] has no ivshmem window");
  for (unsigned slot = 0; slot < p.ivshmem->slots; ++slot)
    if (!u.slots.contains(slot))
      return std::optional<CommRegion>(CommRegion{slot, {p.ivshmem->base + slot * p.ivshmem->slot_size, p.ivshmem->slot_size}});
  return fail_user("cannot allocate a comm region: all " + std::to_string(p.ivshmem->slots) + " ivshmem slots are taken");
}

template <typename T>
std::string names_of(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const auto& i : items) names.push_back(i.name);
  return names.empty() ? "none" : join(names, ", ");
}

Result<std::vector<std::string>> pick_devices(const PartitionPlatform& p, const Usage& u, const std::vector<std::string>& wanted) {
  for (const auto& name : wanted) {
    if (!p.find_device(name))
      return fail_user("cannot allocate device \"" + name + "\": no such device (devices: " + names_of(p.devices) + ")");
    if (auto it = u.devices.find(name); it != u.devices.end())
      return fail_user("cannot allocate device \"" + name + "\": held by container " + it->second);
  }
  return wanted;
}

Result<std::string> pick_rpu(const PartitionPlatform& p, const Usage& u, const std::string& wanted) {
  if (wanted.empty()) return std::string();
  if (p.rprocs.empty()) return fail_user("cannot allocate an RPU: no [[partition.rproc]] is configured");
  if (wanted == "any") {
    for (const auto& r : p.rprocs)
      if (!u.rprocs.contains(r.name)) return r.name;
    return fail_user("cannot allocate an RPU: all are held (" + names_of(p.rprocs) + ")");
  }
  if (!p.find_rproc(wanted))
    return fail_user("cannot allocate RPU \"" + wanted + "\": no such rproc (rprocs: " + names_of(p.rprocs) + ")");
  if (auto it = u.rprocs.find(wanted); it != u.rprocs.end())
    return fail_user("cannot allocate RPU \"" + wanted + "\": held by container " + it->second);
  return wanted;
}

Result<Allocation> pick_all(const PartitionPlatform& p, const Table& table, const std::string& id, const PartitionRequest& req) {
  Usage u = usage_of(table);
  Allocation a;
  a.container_id = id;
  // A remote processor brings its own CPU and memory (TCM, carveouts): only the core is held.
  if (p.backend != BackendKind::remoteproc) {
    TRY(a.cpus, pick_cpus(p, u, req));
    TRY(a.memory, pick_memory(p, u, req.memory));
    TRY(a.ivshmem, pick_comm(p, u, req.ivshmem));
    TRY(a.devices, pick_devices(p, u, req.devices));
  } else if (req.rpu.empty()) {
    return fail_user("cannot allocate: the remoteproc backend runs images on a remote processor, and none was asked for");
  }
  TRY(a.rpu, pick_rpu(p, u, req.rpu));
  a.owner_pid = ::getpid();
  if (auto st = linux::read_proc_stat(a.owner_pid)) a.owner_start = st->start_time;
  return a;
}

// "free a, b; held c (by x)"
std::string free_and_held(const std::vector<std::string>& names, const std::map<std::string, std::string>& holders) {
  std::vector<std::string> free, held;
  for (const auto& n : names) {
    auto it = holders.find(n);
    if (it == holders.end()) free.push_back(n);
    else held.push_back(n + " (by " + it->second + ")");
  }
  std::string s = "free " + (free.empty() ? std::string("none") : join(free, ", "));
  if (!held.empty()) s += "; held " + join(held, ", ");
  return s;
}

}  // namespace

Result<Allocator> Allocator::open(const std::string& state_path, const PartitionPlatform& platform) {
  auto slash = state_path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) TRYV(mkdir_p(state_path.substr(0, slash), 0700));
  Allocator a(state_path, platform);
  TRY(StateLock lock, StateLock::take(state_path, false));
  TRYV(load_table(state_path));  // a broken state file is reported now, not at the first create
  return a;
}

Result<Allocation> Allocator::allocate(const std::string& container_id, const PartitionRequest& request) {
  TRY(StateLock lock, StateLock::take(state_path_, true));
  TRY(Table table, load_table(state_path_));
  if (table.contains(container_id))
    return fail_user("container " + container_id + " already holds partition resources");
  TRY(Allocation a, pick_all(platform_, table, container_id, request));
  table.emplace(container_id, a);
  TRYV(with_context(save_table(state_path_, table), "save partition allocations"));
  return a;
}

Result<void> Allocator::release(const std::string& container_id) {
  TRY(StateLock lock, StateLock::take(state_path_, true));
  TRY(Table table, load_table(state_path_));
  if (table.erase(container_id) == 0) return {};
  return with_context(save_table(state_path_, table), "save partition allocations");
}

Result<std::optional<Allocation>> Allocator::find(const std::string& container_id) const {
  TRY(StateLock lock, StateLock::take(state_path_, false));
  TRY(Table table, load_table(state_path_));
  auto it = table.find(container_id);
  if (it == table.end()) return std::optional<Allocation>();
  return std::optional<Allocation>(it->second);
}

Result<std::vector<Allocation>> Allocator::list() const {
  TRY(StateLock lock, StateLock::take(state_path_, false));
  TRY(Table table, load_table(state_path_));
  std::vector<Allocation> out;
  for (auto& [id, a] : table) out.push_back(std::move(a));
  return out;
}

Result<std::vector<std::string>> Allocator::reconcile(const std::set<std::string>& live_ids) {
  return reconcile([&](const Allocation& a) { return live_ids.contains(a.container_id); });
}

Result<std::vector<std::string>> Allocator::reconcile(const std::function<bool(const Allocation&)>& is_live) {
  TRY(StateLock lock, StateLock::take(state_path_, true));
  TRY(Table table, load_table(state_path_));
  std::vector<std::string> dropped;
  for (auto it = table.begin(); it != table.end();) {
    const Allocation& a = it->second;
    bool creating = a.owner_pid > 0 && linux::process_is(a.owner_pid, a.owner_start);
    if (is_live(a) || creating) {
      ++it;
      continue;
    }
    dropped.push_back(it->first);
    it = table.erase(it);
  }
  if (!dropped.empty()) TRYV(with_context(save_table(state_path_, table), "save partition allocations"));
  return dropped;
}

Result<std::string> Allocator::describe_free() const {
  TRY(StateLock lock, StateLock::take(state_path_, false));
  TRY(Table table, load_table(state_path_));
  const PartitionPlatform& p = platform_;
  Usage u = usage_of(table);
  std::string out = "CPUs: " + free_cpus(p, u).text() + " (partition.cpus = " + format_cpu_list(p.cpus) + ")\n";
  for (const MemoryPool& pool : p.memory_pools) {
    uint64_t total = 0;
    AddressRange largest;
    for (const AddressRange& gap : free_gaps(pool, u.memory)) {
      total += gap.size;
      AddressRange part = usable_part(gap, pool.align);
      if (part.size > largest.size) largest = part;
    }
    out += "memory pool \"" + pool.name + "\" (" + format_range(pool.range) + "): " + format_size(total) + " free";
    if (largest.size) out += ", largest block " + format_size(largest.size) + " at " + format_hex(largest.start);
    out += "\n";
  }
  if (p.ivshmem) {
    unsigned free_slots = 0;
    for (unsigned slot = 0; slot < p.ivshmem->slots; ++slot) free_slots += !u.slots.contains(slot);
    out += "ivshmem slots: " + std::to_string(free_slots) + " of " + std::to_string(p.ivshmem->slots) + " free\n";
  }
  std::vector<std::string> names;
  for (const auto& d : p.devices) names.push_back(d.name);
  if (!names.empty()) out += "devices: " + free_and_held(names, u.devices) + "\n";
  names.clear();
  for (const auto& r : p.rprocs) names.push_back(r.name);
  if (!names.empty()) out += "rprocs: " + free_and_held(names, u.rprocs) + "\n";
  return out;
}

}  // namespace runz::backends::partition
