#include "linux/cgroup.hpp"

#include <sys/statfs.h>
#include <sys/vfs.h>

#include <csignal>

#include "linux/cgroup_drivers.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

namespace runz::linux {

Result<void> CgroupManager::signal_all(int sig) const {
  TRY(auto list, pids());
  for (pid_t p : list)
    if (::kill(p, sig) != 0 && errno != ESRCH) return fail_sys("kill " + std::to_string(p));
  return {};
}

static bool is_cgroup2(const std::string& path) {
  struct statfs sf;
  return ::statfs(path.c_str(), &sf) == 0 && static_cast<unsigned long>(sf.f_type) == CGROUP2_SUPER_MAGIC;
}

CgroupLayout detect_cgroup_layout() {
  if (is_cgroup2("/sys/fs/cgroup")) return CgroupLayout::v2;
  if (is_cgroup2("/sys/fs/cgroup/unified")) return CgroupLayout::hybrid;
  return CgroupLayout::v1;
}

const char* layout_name(CgroupLayout layout) {
  switch (layout) {
    case CgroupLayout::v1: return "v1";
    case CgroupLayout::hybrid: return "hybrid";
    case CgroupLayout::v2: return "v2";
  }
  return "?";
}

std::string own_cgroup() {
  auto text = read_file("/proc/self/cgroup");
  if (!text) return "/";
  std::string fallback;
  for (auto& line : split(*text, '\n')) {
    auto parts = split(line, ':');
    if (parts.size() < 3) continue;
    std::string path = parts[2];
    for (size_t i = 3; i < parts.size(); ++i) path += ":" + parts[i];
    if (parts[0] == "0" && parts[1].empty()) return path;
    for (auto& c : split(parts[1], ','))
      if (c == "memory") fallback = path;
    if (fallback.empty() && !parts[1].empty() && !parts[1].starts_with("name=")) fallback = path;
  }
  return fallback.empty() ? "/" : fallback;
}

std::string resolve_cgroups_path(const std::string& cgroups_path, const std::string& id) {
  if (!cgroups_path.empty() && cgroups_path[0] == '/') return clean_path(cgroups_path);
  std::string rel = cgroups_path.empty() ? id : cgroups_path;
  return clean_path(own_cgroup() + "/" + rel);
}

std::unique_ptr<CgroupManager> make_cgroup_manager(const std::string& path, const std::string& root) {
  CgroupLayout layout = root == "/sys/fs/cgroup" ? detect_cgroup_layout()
                        : is_cgroup2(root)       ? CgroupLayout::v2
                                                 : CgroupLayout::v1;
  if (layout == CgroupLayout::v2) return make_cgroup_v2(path, root);
  return make_cgroup_v1(path, root, layout);
}

}  // namespace runz::linux
