// cgroup v1 (and the hybrid: v1 controllers plus cgroup2 at <root>/unified): one directory
// per mounted hierarchy.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "linux/cgroup_drivers.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {
namespace {

constexpr unsigned long kCgroupMagic = 0x27e0eb;
constexpr unsigned long kCgroup2Magic = 0x63677270;

std::vector<std::string> hierarchies(const std::string& root) {
  std::vector<std::string> out;
  DIR* d = ::opendir(root.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || e->d_type == DT_LNK) continue;
    std::string dir = root + "/" + name;
    struct statfs sf;
    if (::statfs(dir.c_str(), &sf) != 0) continue;
    auto type = static_cast<unsigned long>(sf.f_type);
    if (type == kCgroupMagic || type == kCgroup2Magic) out.push_back(dir);
  }
  ::closedir(d);
  return out;
}

bool is_cpuset(const std::string& hierarchy) {
  return path_exists(hierarchy + "/cpuset.cpus") && path_exists(hierarchy + "/cpuset.mems");
}

// A new cpuset cgroup starts empty and refuses tasks: inherit the parent's cpus and mems.
Result<void> init_cpuset(const std::string& dir) {
  std::string parent = dir.substr(0, dir.find_last_of('/'));
  for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
    TRY(std::string mine, read_file(dir + "/" + f));
    if (!trim(mine).empty()) continue;
    TRY(std::string theirs, read_file(parent + "/" + f));
    TRYV(write_existing(dir + "/" + f, trim(theirs)));
  }
  return {};
}

// mkdir -p below a hierarchy root, initialising cpuset levels on the way down.
Result<bool> make_below(const std::string& hierarchy, const std::string& path) {
  bool made = false;
  bool cpuset = is_cpuset(hierarchy);
  std::string dir = hierarchy;
  for (auto& part : split(path, '/')) {
    if (part.empty()) continue;
    dir += "/" + part;
    if (::mkdir(dir.c_str(), 0755) == 0) {
      made = true;
    } else if (errno != EEXIST) {
      return fail_sys("create cgroup " + dir);
    }
    if (cpuset) TRYV(init_cpuset(dir));
  }
  return made;
}

class CgroupV1 final : public CgroupManager {
 public:
  CgroupV1(std::string path, std::string root, CgroupLayout layout)
      : path_(std::move(path)), layout_(layout), hierarchies_(hierarchies(root)) {}

  CgroupLayout layout() const override { return layout_; }
  const std::string& path() const override { return path_; }

  Result<bool> create() override {
    if (hierarchies_.empty()) return fail_user("no cgroup hierarchy is mounted");
    bool made = false;
    for (auto& h : hierarchies_) {
      TRY(bool m, make_below(h, path_));
      made = made || m;
    }
    return made;
  }

  Result<void> attach(pid_t pid) override {
    std::string p = std::to_string(pid);
    for (auto& h : hierarchies_) TRYV(write_existing(h + path_ + "/cgroup.procs", p));
    return {};
  }

  Result<std::vector<pid_t>> pids() const override {
    for (auto& h : hierarchies_)
      if (path_exists(h + path_)) return read_cgroup_procs(h + path_);
    return std::vector<pid_t>{};
  }

  Result<void> freeze() override {
    auto [dir, v2] = freezer();
    if (dir.empty()) return no_freezer();
    return v2 ? freeze_v2_dir(dir) : freeze_v1_dir(dir);
  }

  Result<void> thaw() override {
    auto [dir, v2] = freezer();
    if (dir.empty()) return no_freezer();
    return v2 ? thaw_v2_dir(dir) : thaw_v1_dir(dir);
  }

  bool is_frozen() const override {
    auto [dir, v2] = freezer();
    if (dir.empty()) return false;
    return v2 ? is_frozen_v2_dir(dir) : is_frozen_v1_dir(dir);
  }

  bool exists() const override {
    for (auto& h : hierarchies_)
      if (!path_exists(h + path_)) return false;
    return !hierarchies_.empty();
  }

  Result<void> destroy() override {
    Result<void> first;
    for (auto& h : hierarchies_) {
      auto r = remove_cgroup_dir(h + path_);
      if (!r && first) first = std::move(r);
    }
    return first;
  }

 private:
  // The cgroup's freezer: the v1 freezer hierarchy, else (hybrid) cgroup2's cgroup.freeze.
  // The directory is empty when there is neither; the flag is true for cgroup2.
  std::pair<std::string, bool> freezer() const {
    for (auto& h : hierarchies_)
      if (path_exists(h + path_ + "/freezer.state")) return {h + path_, false};
    for (auto& h : hierarchies_)
      if (path_exists(h + path_ + "/cgroup.freeze")) return {h + path_, true};
    return {"", false};
  }

  std::unexpected<Error> no_freezer() const {
    return fail_user("the freezer controller is not available on this host (no freezer.state nor cgroup.freeze for cgroup " +
                     path_ + ")");
  }

  std::string path_;
  CgroupLayout layout_;
  std::vector<std::string> hierarchies_;
};

}  // namespace

std::unique_ptr<CgroupManager> make_cgroup_v1(const std::string& path, const std::string& root,
                                              CgroupLayout layout) {
  return std::make_unique<CgroupV1>(path, root, layout);
}

}  // namespace runz::linux
