// Moving a task between cgroups takes a global lock (cgroup_threadgroup_rwsem) whose first
// writer waits for an RCU grace period, about 10 ms on the development VMs; writers that
// follow within the next grace period do not wait. create starts a no-op migration of the
// runtime itself on a thread, so that the wait overlaps its other work instead of delaying
// the init's move into the container's cgroup.
#pragma once

#include <thread>

namespace runz::linux {

// The thread is joined when the result is dropped; failures are ignored (it only saves time).
std::jthread warm_up_cgroup_migration();

}  // namespace runz::linux
