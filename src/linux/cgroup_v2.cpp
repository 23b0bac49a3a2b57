// Pure cgroup v2: one directory in the unified hierarchy.
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup_drivers.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {
namespace {

class CgroupV2 final : public CgroupManager {
 public:
  CgroupV2(std::string path, std::string root) : path_(std::move(path)), dir_(root + path_) {}

  CgroupLayout layout() const override { return CgroupLayout::v2; }
  const std::string& path() const override { return path_; }

  Result<bool> create() override {
    bool existed = path_exists(dir_);
    TRYV(with_context(mkdir_p(dir_), "create cgroup"));
    return !existed;
  }

  Result<void> attach(pid_t pid) override {
    return write_existing(dir_ + "/cgroup.procs", std::to_string(pid));
  }

  Result<std::vector<pid_t>> pids() const override {
    if (!path_exists(dir_)) return std::vector<pid_t>{};
    return read_cgroup_procs(dir_);
  }

  bool exists() const override { return path_exists(dir_); }

  Result<void> destroy() override { return remove_cgroup_dir(dir_); }

  Result<void> freeze() override {
    TRYV(available());
    return freeze_v2_dir(dir_);
  }

  Result<void> thaw() override {
    TRYV(available());
    return thaw_v2_dir(dir_);
  }

  bool is_frozen() const override { return is_frozen_v2_dir(dir_); }

 private:
  Result<void> available() const {
    if (path_exists(dir_ + "/cgroup.freeze")) return {};
    return fail_user("the cgroup v2 freezer is not available for " + dir_ + " (no cgroup.freeze)");
  }

  std::string path_;
  std::string dir_;
};

}  // namespace

std::unique_ptr<CgroupManager> make_cgroup_v2(const std::string& path, const std::string& root) {
  return std::make_unique<CgroupV2>(path, root);
}

}  // namespace runz::linux
