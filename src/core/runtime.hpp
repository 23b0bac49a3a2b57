// The lifecycle operations of runtime.md, independent of the workload kind.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "core/store.hpp"
#include "linux/cgroup_stats.hpp"
#include "linux/resources.hpp"
#include "oci/state.hpp"
#include "util/result.hpp"

namespace runz::core {

struct GlobalOptions {
  std::string root = "/run/runz";
  bool systemd_cgroup = false;
  std::string config = "/etc/runz/runz.toml";  // host configuration (runz.toml); may be absent
};

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
  int console_fd = -1;  // an already connected console socket (run without --console-socket)
};

struct ExecOptions {
  std::string id;
  std::string process_file;            // --process: a process.json
  std::vector<std::string> args;       // otherwise: the command and its arguments
  bool tty = false;
  std::string console_socket;
  std::string pid_file;
  std::string cwd;
  std::vector<std::string> env;
  std::optional<std::pair<uint32_t, uint32_t>> user;
  std::vector<uint32_t> additional_gids;
  std::vector<std::string> caps;
  bool no_new_privs = false;
  int preserve_fds = 0;
  std::string process_label, apparmor;
  std::string cgroup;                  // a sub-cgroup of the container's (v2)
  int console_fd = -1;
};

struct ListEntry {
  oci::ContainerRecord record;
  std::string status;
};

class Runtime {
 public:
  backends::HostContext host_context() const { return {options_.root, options_.config}; }
  explicit Runtime(GlobalOptions options) : options_(std::move(options)), store_(options_.root) {}

  // `config`: the bundle's config.json when the caller has read it already.
  Result<pid_t> create(const CreateOptions& options, const oci::BundleConfig* config = nullptr);
  Result<void> start(std::string_view id);
  Result<std::string> state(std::string_view id);
  // all: every process in the cgroup, swept while the cgroup is frozen so that none can fork
  // away from the signal.
  Result<void> kill(std::string_view id, int sig, bool all);
  Result<void> remove(std::string_view id, bool force);
  Result<std::vector<ListEntry>> list();
  // created | running | paused | stopped.
  Result<std::string> status(std::string_view id);
  // Freeze a running (or created) container's cgroup; thaw a paused one.
  Result<void> pause(std::string_view id);
  Result<void> resume(std::string_view id);
  // Host pids of every process in the container's cgroup (and its sub-cgroups).
  Result<std::vector<pid_t>> pids(std::string_view id);
  // Resource usage of a container that is not stopped.
  Result<linux::CgroupStats> stats(std::string_view id);
  // `events`: emit one stats event (once), or one now and then every `interval` (plus an
  // "oom" event when the OOM-kill count grows) until the container stops or SIGINT/SIGTERM
  // arrives; then returns 0. Each event is one JSON document for `emit`.
  Result<int> events(std::string_view id, std::chrono::nanoseconds interval, bool once,
                     const std::function<Result<void>(const std::string&)>& emit);
  // Write new limits into a container's cgroup (fields that are absent stay as they are).
  Result<void> update(std::string_view id, const linux::Resources& resources);
  // Start a process in a running container; returns its pid (it is our child).
  Result<pid_t> exec(const ExecOptions& options);
  // Wait for a started container's init to exit (we must be its parent or subreaper).
  Result<int> wait_exit(pid_t pid);

 private:
  GlobalOptions options_;
  Store store_;
};

// created | running | paused | stopped, from the init's liveness, the cgroup's freezer and
// the exec fifo.
std::string container_status(const ContainerDir& dir, const oci::ContainerRecord& record);

}  // namespace runz::core
