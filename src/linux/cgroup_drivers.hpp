// The concrete cgroup drivers; only cgroup.cpp picks between them.
#pragma once

#include <chrono>

#include "linux/cgroup.hpp"

namespace runz::linux {

std::unique_ptr<CgroupManager> make_cgroup_v1(const std::string& path, const std::string& root,
                                              CgroupLayout layout);
std::unique_ptr<CgroupManager> make_cgroup_v2(const std::string& path, const std::string& root);

// Shared by both drivers.
// The pids in <dir>/cgroup.procs and those of every sub-cgroup below it, sorted.
Result<std::vector<pid_t>> read_cgroup_procs(const std::string& dir);
// rmdir, retrying while the last processes are still leaving.
Result<void> remove_cgroup_dir(const std::string& dir);

// The freezer of one cgroup directory: v1 through freezer.state (FROZEN / FREEZING /
// THAWED), v2 through cgroup.freeze and the "frozen" line of cgroup.events. freeze_* waits
// up to `timeout` for the kernel to report the cgroup frozen, else thaws it and fails.
Result<void> freeze_v1_dir(const std::string& dir, std::chrono::milliseconds timeout = std::chrono::seconds(5));
Result<void> thaw_v1_dir(const std::string& dir);
bool is_frozen_v1_dir(const std::string& dir);
Result<void> freeze_v2_dir(const std::string& dir, std::chrono::milliseconds timeout = std::chrono::seconds(5));
Result<void> thaw_v2_dir(const std::string& dir);
bool is_frozen_v2_dir(const std::string& dir);

}  // namespace runz::linux
