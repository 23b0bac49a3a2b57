// The Backend interface every workload kind implements (DESIGN.md): process first, vm and
// partition later. The core owns the container store, the lifecycle and the runtime-side
// hooks; a backend owns how the init comes to exist and how it is signalled and released.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "linux/cgroup.hpp"
#include "oci/spec.hpp"
#include "oci/state.hpp"
#include "util/result.hpp"

namespace runz::backends {

struct CreateRequest {
  std::string id;
  const oci::Spec* spec = nullptr;
  std::string bundle;       // absolute
  std::string rootfs;       // absolute, checked to exist
  linux::CgroupManager* cgroup = nullptr;
  int console_socket = -1;  // a connected unix socket for the pty master, or -1
  int seccomp_listener = -1;  // connected to linux.seccomp.listenerPath, or -1
  int exec_fifo = -1;       // opened O_RDWR: the init blocks reading one byte from it until start
  int preserve_fds = 0;
  bool no_pivot = false;
  bool no_new_keyring = false;
  // Runtime-side hooks (prestart, createRuntime), called once the init's namespaces exist
  // and before pivot_root. Gets the init's pid.
  std::function<Result<void>(pid_t)> runtime_hooks;
  // The state document for hooks run inside the container, for a pid and a status.
  std::function<std::string(pid_t, std::string_view)> state_for_hooks;
};

// A new process inside an existing container (`runz exec`).
struct ExecRequest {
  const oci::ContainerRecord* record = nullptr;
  oci::Process process;
  linux::CgroupManager* cgroup = nullptr;  // the container's cgroup, or nullptr
  int console_socket = -1;
  int preserve_fds = 0;
  std::string seccomp_json;  // the container's filter, applied to the new process too
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view kind() const = 0;
  // Build the container and leave its init blocked on exec_fifo. Returns the init's pid.
  // On failure nothing of the container is left running.
  virtual Result<pid_t> create(const CreateRequest& request) = 0;
  // Start a process in the running container; returns its pid once it is about to exec.
  virtual Result<pid_t> exec(const ExecRequest& request);
  // Deliver a signal to the container's init (the workload decides what it means).
  virtual Result<void> signal(const oci::ContainerRecord& record, int sig);
  // Release what the backend holds for a stopped container (cells, taps, ...).
  virtual Result<void> release(const oci::ContainerRecord&) { return {}; }
};

std::unique_ptr<Backend> make_process_backend();

}  // namespace runz::backends
