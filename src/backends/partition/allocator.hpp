// Hands out the platform's CPUs, memory, comm regions, devices and remote processors to
// containers, exclusively. The state is one JSON file under the runz root, changed only
// under an exclusive flock on a lock file next to it and replaced atomically, so creates
// in different processes never get the same CPU or overlapping memory.
//
// CPU rules: only CPUs in `cpus` are handed out, lowest first; never CPU 0 on x86; and the
// root cell always keeps a CPU: when every CPU the root cell still holds is in `cpus`, the
// highest of them is never handed out.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/partition/annotations.hpp"
#include "backends/partition/platform.hpp"
#include "util/result.hpp"

namespace runz::backends::partition {

struct MemoryBlock {
  std::string pool;
  AddressRange range;  // start aligned to the pool's align, size rounded up to it
};

// An ivshmem/comm region: slot n of the platform's ivshmem window.
struct CommRegion {
  unsigned slot = 0;
  AddressRange range;
};

struct Allocation {
  std::string container_id;
  CpuSet cpus;
  MemoryBlock memory;
  std::optional<CommRegion> ivshmem;
  std::vector<std::string> devices;
  std::string rpu;  // the rproc's name, "" for none
  // The process that allocated: while it runs, reconcile spares the allocation (a create
  // in progress has no cell yet).
  pid_t owner_pid = 0;
  uint64_t owner_start = 0;
};

class Allocator {
 public:
  // state_path: e.g. <root>/partition-allocations.json; the lock is state_path + ".lock".
  // Creates the directory if needed; a broken state file is an error.
  static Result<Allocator> open(const std::string& state_path, const PartitionPlatform& platform);

  // Everything or nothing. Fails if the id already holds resources, or with what was
  // asked and what is free ("cannot allocate 2 CPUs: free CPUs are 3").
  Result<Allocation> allocate(const std::string& container_id, const PartitionRequest& request);
  // Give back all the id holds; an id holding nothing is not an error.
  Result<void> release(const std::string& container_id);
  Result<std::optional<Allocation>> find(const std::string& container_id) const;
  Result<std::vector<Allocation>> list() const;

  // Crash recovery: drop the allocations of containers with no live cell (whose
  // allocating process is gone too); returns the ids dropped.
  Result<std::vector<std::string>> reconcile(const std::set<std::string>& live_ids);
  Result<std::vector<std::string>> reconcile(const std::function<bool(const Allocation&)>& is_live);

  // What is free, for `runz check`: one line per resource kind.
  Result<std::string> describe_free() const;

  const std::string& state_path() const { return state_path_; }

 private:
  Allocator(std::string state_path, PartitionPlatform platform)
      : state_path_(std::move(state_path)), platform_(std::move(platform)) {}

  std::string state_path_;
  PartitionPlatform platform_;
};

}  // namespace runz::backends::partition
