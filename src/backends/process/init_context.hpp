// What the process backend hands from the runtime to the container's init across fork.
#pragma once

#include "backends/backend.hpp"
#include "linux/sync_channel.hpp"

namespace runz::backends::process {

// Protocol on the sync channel (one message each, in this order):
//   init → runtime 'U'   new user namespace made (only then): write the id maps
//   runtime → init 'G'   go on
//   init → runtime 'P'   pid of the container's init (payload: decimal pid)
//   (the runtime moves the init into the container's cgroup while it mounts)
//   init → runtime 'H'   mounts done: run the prestart/createRuntime hooks now
//   runtime → init 'S'   payload: state for createContainer "\0" state for startContainer
//   runtime → init 'X'   abort
//   init → runtime 'R'   ready: blocked on the exec fifo until start
//   init → runtime 'E'   payload: the error that ended the init
namespace msg {
inline constexpr char kUserNs = 'U', kGo = 'G', kPid = 'P', kHooks = 'H', kState = 'S',
                      kAbort = 'X', kReady = 'R', kError = 'E';
}

// Runs in the container's init (pid 1 of a new pid namespace, say) and never returns:
// builds the rootfs, enters it, drops privileges, waits for start and execs the process.
[[noreturn]] void container_init(const CreateRequest& request, const linux::SyncChannel& sync);

}  // namespace runz::backends::process
