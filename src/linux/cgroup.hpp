// The container's cgroup behind one interface, with a driver per host layout
// (v1 controllers, pure v2, and the v1/v2 hybrid where cgroup2 sits at .../unified).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace runz::linux {

enum class CgroupLayout { v1, hybrid, v2 };

class CgroupManager {
 public:
  virtual ~CgroupManager() = default;
  virtual CgroupLayout layout() const = 0;
  // The path inside each hierarchy, e.g. "/runz/abc".
  virtual const std::string& path() const = 0;
  // Make the cgroup directories; true when at least one was newly made by us.
  virtual Result<bool> create() = 0;
  virtual Result<void> attach(pid_t pid) = 0;
  // True when the cgroup's directory exists (in every hierarchy, on v1).
  virtual bool exists() const = 0;
  // Every process in the cgroup and its sub-cgroups (sorted host pids).
  virtual Result<std::vector<pid_t>> pids() const = 0;
  // Remove the directories (waiting briefly for exiting processes to leave).
  virtual Result<void> destroy() = 0;
  // Freeze every process in the cgroup and return once the kernel reports it frozen
  // (v1: freezer.state reads FROZEN; v2: cgroup.events says "frozen 1"). On a timeout the
  // cgroup is thawed again and the call fails. Fails clearly when the host has no freezer.
  virtual Result<void> freeze() = 0;
  virtual Result<void> thaw() = 0;
  // True when a freeze was asked of this cgroup itself and not undone (not when only an
  // ancestor is frozen); false when there is no freezer.
  virtual bool is_frozen() const = 0;
  // Signal every process in the cgroup.
  Result<void> signal_all(int sig) const;
};

CgroupLayout detect_cgroup_layout();
// The cgroup the calling process is in (the v2 line, else the memory or first v1 line).
std::string own_cgroup();
const char* layout_name(CgroupLayout layout);
// cgroupsPath per config-linux.md: absolute as is; relative (and empty, which means
// "<id>") below the runtime's own cgroup.
std::string resolve_cgroups_path(const std::string& cgroups_path, const std::string& id);
// A manager for the path on this host's layout; `root` overrides /sys/fs/cgroup (tests).
std::unique_ptr<CgroupManager> make_cgroup_manager(const std::string& path,
                                                   const std::string& root = "/sys/fs/cgroup");

}  // namespace runz::linux
