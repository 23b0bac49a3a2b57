// The concrete cgroup drivers; only cgroup.cpp picks between them.
#pragma once

#include "linux/cgroup.hpp"

namespace runz::linux {

std::unique_ptr<CgroupManager> make_cgroup_v1(const std::string& path, const std::string& root,
                                              CgroupLayout layout);
std::unique_ptr<CgroupManager> make_cgroup_v2(const std::string& path, const std::string& root);

// Shared by both drivers.
Result<std::vector<pid_t>> read_cgroup_procs(const std::string& dir);
// rmdir, retrying while the last processes are still leaving.
Result<void> remove_cgroup_dir(const std::string& dir);

}  // namespace runz::linux
