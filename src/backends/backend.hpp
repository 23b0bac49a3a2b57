// The Backend interface every workload kind implements (DESIGN.md): process first, vm and
// partition later. The core owns the container store, the lifecycle and the runtime-side
// hooks; a backend owns how the init comes to exist and how it is signalled and released.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linux/cgroup.hpp"
#include "linux/resources.hpp"
#include "oci/spec.hpp"
#include "oci/state.hpp"
#include "util/result.hpp"

namespace runz::backends {

// What a backend knows of the host: the runtime's --root (state kept beside the containers,
// e.g. partition allocations) and the host configuration file (runz.toml).
struct HostContext {
  std::string root;
  std::string config_path;
  // The configuration text; "" when the file does not exist (built-in defaults apply).
  Result<std::string> config_text() const;
};

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
  // Set by the kinds whose workload is not a Linux process (vm, partition): the init keeps
  // the host's mount view (in a private, slave mount namespace) instead of entering the
  // rootfs, and at start runs this monitor (which returns the container's exit status)
  // instead of executing process.args. The spec's namespaces, cgroup, user, capabilities,
  // rlimits, hooks and terminal still apply to it.
  std::function<int()> monitor;
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
  // Check the image and plan the workload before anything is made for the container, so
  // that a bad image fails create with nothing to undo.
  virtual Result<void> prepare(const oci::Spec&, const std::string& /*rootfs*/) { return {}; }
  // Devices the init itself needs (a VMM's /dev/kvm), allowed in the container's device
  // cgroup next to the spec's.
  virtual std::vector<linux::DeviceRule> init_devices() const { return {}; }
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
std::unique_ptr<Backend> make_vm_backend(const HostContext& host);
std::unique_ptr<Backend> make_partition_backend(const HostContext& host);

// The init of a non-process kind: the process backend's sandbox around a monitor.
// `request.monitor` must be set; the spec is the monitor's (see CreateRequest::monitor).
Result<pid_t> create_monitor_init(const CreateRequest& request);

}  // namespace runz::backends
