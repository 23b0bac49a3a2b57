// A CgroupManager that only knows its layout and path, for tests of code that reads or
// writes cgroup files below a fake root.
#pragma once

#include <string>
#include <vector>

#include "linux/cgroup.hpp"

namespace runz::test {

class FakeCgroup final : public linux::CgroupManager {
 public:
  FakeCgroup(linux::CgroupLayout layout, std::string path) : layout_(layout), path_(std::move(path)) {}
  linux::CgroupLayout layout() const override { return layout_; }
  const std::string& path() const override { return path_; }
  Result<bool> create() override { return true; }
  Result<void> attach(pid_t) override { return {}; }
  bool exists() const override { return true; }
  Result<std::vector<pid_t>> pids() const override { return std::vector<pid_t>{}; }
  Result<void> destroy() override { return {}; }
  Result<void> freeze() override { return {}; }
  Result<void> thaw() override { return {}; }
  bool is_frozen() const override { return false; }

 private:
  linux::CgroupLayout layout_;
  std::string path_;
};

}  // namespace runz::test
