// Write a container's linux.resources into its cgroup: translate (cgroup_files.hpp) for the
// manager's layout, check that the host has what is asked for, enable the cgroup v2
// controllers down to the cgroup, and write the files in order.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "linux/cgroup.hpp"
#include "linux/resources.hpp"
#include "util/result.hpp"

namespace runz::linux {

// Writes one value to one existing cgroup file. The default is write_existing.
using CgroupFileWriter = std::function<Result<void>(const std::string& path, std::string_view value)>;

// Apply `r` to the cgroup of `cg` (which must have been created) below `root`
// ("/sys/fs/cgroup" in production; a fake tree in tests):
//  - v1: each write goes to <root>/<controller><path>/<file>.
//  - hybrid: v1 as above, except controller groups the v1 side lacks and the cgroup2 mount at
//    <root>/unified offers (hugetlb on this host), and `unified`: those go to
//    <root>/unified<path>, after enabling the controller in cgroup.subtree_control of every
//    ancestor.
//  - v2: every write goes to <root><path>/<file>, after enabling the needed controllers in
//    cgroup.subtree_control of every ancestor from <root> down to the parent.
// A controller the host does not have: "linux.resources.<field>: the <ctrl> controller is not
// available on this host"; a file the kernel does not offer is an error naming it; both are
// skipped for optional writes. Write errors name the field and the file.
// memory.checkBeforeUpdate on v2: a limit below memory.current is refused.
Result<void> apply_resources(const CgroupManager& cg, const std::string& root, const Resources& r);
// The same with another writer (tests record the writes; a dry run could print them).
Result<void> apply_resources(const CgroupManager& cg, const std::string& root, const Resources& r,
                             const CgroupFileWriter& write);

}  // namespace runz::linux
