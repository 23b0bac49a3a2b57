// Resources → files in the container's cgroup, on v1, v2 and the v1/v2 hybrid.
#include "linux/cgroup_apply.hpp"
#include "linux/device_filter.hpp"

#include <algorithm>
#include <set>

#include "linux/cgroup_files.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {
namespace {

constexpr std::string_view kPrefix = "linux.resources.";

// The v1 hierarchies resources can need.
constexpr const char* kV1Controllers[] = {"memory", "cpu",     "cpuset",   "pids", "blkio",
                                          "hugetlb", "net_cls", "net_prio", "rdma", "devices"};

std::set<std::string> words(const std::string& text) {
  std::set<std::string> out;
  for (auto& line : split(text, '\n'))
    for (auto& w : split(line, ' '))
      if (!trim(w).empty()) out.insert(std::string(trim(w)));
  return out;
}

// The controllers a cgroup2 directory offers (its cgroup.controllers); none when unreadable.
std::set<std::string> v2_available(const std::string& v2root) {
  auto text = read_file(v2root + "/cgroup.controllers");
  return text ? words(*text) : std::set<std::string>{};
}

HybridControllers hybrid_controllers(const std::string& root) {
  HybridControllers host;
  for (const char* c : kV1Controllers)
    if (path_exists(root + "/" + c)) host.v1.insert(c);
  host.v2 = v2_available(root + "/unified");
  return host;
}

// memory.limit_in_bytes now, when memory and swap are both to be set (it orders the writes).
CgroupCurrent v1_current(const std::string& root, const std::string& path, const Resources& r) {
  CgroupCurrent cur;
  if (!r.memory || !r.memory->limit || !r.memory->swap) return cur;
  if (auto text = read_file(root + "/memory" + path + "/memory.limit_in_bytes"))
    if (auto v = parse_uint(trim(*text))) cur.memory_limit = *v;
  return cur;
}

std::unexpected<Error> unavailable(const CgroupWrite& w) {
  return fail_user(std::string(kPrefix) + w.field + ": the " + w.controller +
                   " controller is not available on this host");
}

// "+memory +pids" into cgroup.subtree_control of `parent_dirs` (top down), skipping those
// already enabled. On failure, one at a time, so that the error names the controller.
Result<void> enable_controllers(const std::vector<std::string>& parent_dirs, const std::set<std::string>& ctrls,
                                const CgroupFileWriter& write) {
  for (auto& dir : parent_dirs) {
    std::string file = dir + "/cgroup.subtree_control";
    TRY(std::string text, with_context(read_file(file), "enable cgroup controllers"));
    std::set<std::string> on = words(text);
    std::vector<std::string> missing;
    for (auto& c : ctrls)
      if (!on.contains(c)) missing.push_back("+" + c);
    if (missing.empty()) continue;
    if (write(file, join(missing, " "))) continue;
    for (auto& m : missing)
      if (auto r = write(file, m); !r)
        return with_context(std::move(r), "enable the " + m.substr(1) + " controller in " + file);
  }
  return {};
}

// <v2root>, <v2root>/a, <v2root>/a/b for the cgroup /a/b/c.
std::vector<std::string> ancestors(const std::string& v2root, const std::string& path) {
  std::vector<std::string> out{v2root};
  std::string dir = v2root;
  auto parts = split(path, '/');
  std::erase_if(parts, [](const std::string& p) { return p.empty(); });
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    dir += "/" + parts[i];
    out.push_back(dir);
  }
  return out;
}

// v2 on a pure v2 host: refuse a memory limit below the usage when asked to.
Result<void> check_before_update(const std::string& dir, const Resources& r) {
  if (!r.memory || !r.memory->check_before_update.value_or(false)) return {};
  if (!r.memory->limit || *r.memory->limit <= 0) return {};
  auto text = read_file(dir + "/memory.current");
  if (!text) return {};
  auto usage = parse_uint(trim(*text));
  if (usage && static_cast<uint64_t>(*r.memory->limit) < *usage)
    return fail_user(std::string(kPrefix) + "memory.limit: " + std::to_string(*r.memory->limit) +
                     " is below the current usage of " + std::to_string(*usage) +
                     " bytes (memory.checkBeforeUpdate is set)");
  return {};
}

std::string shown(const std::string& value) {
  if (value.size() <= 64 && value.find('\n') == std::string::npos) return "\"" + value + "\"";
  return "its value";
}

}  // namespace

Result<void> apply_resources(const CgroupManager& cg, const std::string& root, const Resources& r) {
  TRYV(apply_resources(cg, root, r, [](const std::string& path, std::string_view value) {
    return write_existing(path, value);
  }));
  // cgroup v2 has no devices files: the rules become an eBPF program on the cgroup.
  if (cg.layout() == CgroupLayout::v2 && !r.devices.empty())
    TRYV(with_context(attach_device_filter(root + cg.path(), r.devices), std::string(kPrefix) + "devices"));
  return {};
}

Result<void> apply_resources(const CgroupManager& cg, const std::string& root, const Resources& r,
                             const CgroupFileWriter& write) {
  if (r.empty()) return {};
  const std::string& path = cg.path();
  const CgroupLayout layout = cg.layout();
  const std::string v2root = layout == CgroupLayout::v2 ? root : root + "/unified";

  std::vector<CgroupWrite> writes;
  if (layout == CgroupLayout::v1) {
    TRY(writes, resources_to_v1(r, v1_current(root, path, r)));
  } else if (layout == CgroupLayout::hybrid) {
    TRY(writes, resources_to_hybrid(r, hybrid_controllers(root), v1_current(root, path, r)));
  } else {
    TRY(writes, resources_to_v2(r));
    TRYV(check_before_update(root + path, r));
  }

  // cgroup v2: every controller needed must be offered at the top and enabled down to the parent.
  std::set<std::string> offered;
  bool any_v2 = std::ranges::any_of(writes, [](const CgroupWrite& w) { return w.v2; });
  if (any_v2) offered = v2_available(v2root);
  std::set<std::string> enable;
  std::vector<const CgroupWrite*> todo;
  for (auto& w : writes) {
    if (w.v2) {
      if (w.controller != "cgroup" && !offered.contains(w.controller)) {
        if (w.optional) continue;
        return unavailable(w);
      }
      if (w.controller != "cgroup") enable.insert(w.controller);
    } else if (!path_exists(root + "/" + w.controller)) {
      if (w.optional) continue;
      return unavailable(w);
    }
    todo.push_back(&w);
  }
  if (!enable.empty()) TRYV(enable_controllers(ancestors(v2root, path), enable, write));

  for (const CgroupWrite* w : todo) {
    std::string dir = (w->v2 ? v2root : root + "/" + w->controller) + path;
    std::string field = std::string(kPrefix) + w->field;
    if (!path_exists(dir)) {
      if (w->optional) continue;
      return fail_user(field + ": the cgroup " + dir + " does not exist");
    }
    std::string file = dir + "/" + w->file;
    std::string value = w->value;
    if (!path_exists(file)) {
      if (!w->alt_file.empty() && path_exists(dir + "/" + w->alt_file)) {
        file = dir + "/" + w->alt_file;
        value = w->alt_value;
      } else if (w->optional) {
        continue;
      } else {
        std::string names = w->file + (w->alt_file.empty() ? "" : " nor " + w->alt_file);
        return fail_user(field + ": not supported by this host's kernel (" + (w->alt_file.empty() ? "no " : "neither ") +
                         names + " in " + dir + ")");
      }
    }
    TRYV(with_context(write(file, value), field + ": writing " + shown(value)));
  }
  return {};
}

}  // namespace runz::linux
