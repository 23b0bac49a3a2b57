// start, state, kill, delete, list.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/detect.hpp"
#include "core/hooks.hpp"
#include "core/runtime.hpp"
#include "linux/cgroup.hpp"
#include "linux/proc.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace runz::core {

std::string container_status(const ContainerDir& dir, const oci::ContainerRecord& record) {
  if (!linux::process_is(record.pid, record.pid_start)) return "stopped";
  if (!record.cgroup_path.empty() && linux::make_cgroup_manager(record.cgroup_path)->is_frozen()) return "paused";
  if (path_exists(dir.file("exec.fifo"))) return "created";
  return "running";
}

namespace {

// Wait until the process is gone (it need not be our child): a pidfd turns readable.
void wait_gone(pid_t pid, uint64_t start, int timeout_ms) {
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd || !linux::process_is(pid, start)) return;
  pollfd p{pidfd.get(), POLLIN, 0};
  while (::poll(&p, 1, timeout_ms) < 0 && errno == EINTR) {}
}

// SIGKILL every process in the cgroup; then thaw it if it is frozen, so that frozen
// processes can act on the signal and die.
void kill_all_and_thaw(linux::CgroupManager& cgroup) {
  (void)cgroup.signal_all(SIGKILL);
  if (cgroup.is_frozen()) (void)cgroup.thaw();
}

// Release everything a stopped container holds and forget it. `cgroup` is the container's
// (nullptr when it has none): whatever is left in it is killed first.
// The backend releases what it holds (cells, taps) once nothing runs in the cgroup.
Result<void> destroy(ContainerDir& dir, const oci::ContainerRecord& record, linux::CgroupManager* cgroup,
                     const backends::HostContext& host) {
  if (cgroup) kill_all_and_thaw(*cgroup);
  if (auto backend = backend_for_kind(record.kind, host); backend) {
    if (auto r = (*backend)->release(record); !r) log::warn("delete: " + r.error().message);
  }
  if (cgroup) {
    if (record.cgroup_owned) {
      if (auto r = cgroup->destroy(); !r) log::warn("delete: " + r.error().message);
    }
  }
  run_hooks_warn(record.poststop, oci::state_json(record, "stopped", false), "poststop");
  return dir.remove();
}

Result<void> signal_all_frozen(linux::CgroupManager& cgroup, int sig) {
  // runc's sweep: freeze, signal every pid, thaw. A container that was paused already stays
  // paused (the signals wait for resume), except for SIGKILL: its processes must be able to die.
  bool was_frozen = cgroup.is_frozen();
  bool froze = false;
  if (!was_frozen) {
    auto frozen = cgroup.freeze();
    if (frozen) froze = true;
    else log::debug("kill --all: signalling without freezing: " + frozen.error().message);
  }
  auto sent = cgroup.signal_all(sig);
  if (froze || (was_frozen && sig == SIGKILL)) {
    if (auto r = cgroup.thaw(); !r) log::warn("kill --all: " + r.error().message);
  }
  return sent;
}

}  // namespace

Result<void> Runtime::start(std::string_view id) {
  TRY(ContainerDir dir, store_.open(id));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status != "created") return fail_user("cannot start a container that is " + status + " (it must be created)");
  std::string fifo = dir.file("exec.fifo");
  // Our read end is opened first, so it reports a hang-up once every writer is gone: the
  // init holds the fifo open (close-on-exec) until it execs the process or dies.
  Fd reader(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!reader) return fail_sys("open exec fifo");
  {
    Fd writer(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (!writer) return fail_sys("open exec fifo");
    if (::write(writer.get(), "0", 1) != 1) return fail_sys("signal the container's init to start");
  }
  ::unlink(fifo.c_str());
  pollfd p{reader.get(), 0, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {}
  // Left in the fifo: our own byte if the init died before reading it, or the init's 'E'
  // when a startContainer hook failed. Nothing: the process was executed.
  char c = 0;
  if (::read(reader.get(), &c, 1) == 1)
    return fail_user(c == 'E' ? "start: a startContainer hook failed; the container was stopped"
                              : "start: the container's init exited before it could start");
  if (!record.poststart.empty())
    run_hooks_warn(record.poststart, oci::state_json(record, container_status(dir, record), false), "poststart");
  return {};
}

Result<std::string> Runtime::state(std::string_view id) {
  TRYV(validate_id(id));
  ContainerDir dir(store_.root() + "/" + std::string(id), Fd());
  if (!path_exists(dir.path())) return fail(Error{ENOENT, "container \"" + std::string(id) + "\" does not exist"});
  auto record = dir.load();
  if (!record) {
    if (record.error().code != ENOENT) return fail(std::move(record.error()));
    oci::ContainerRecord creating;
    creating.id = std::string(id);
    return oci::state_json(creating, "creating", true);
  }
  return oci::state_json(*record, container_status(dir, *record), true);
}

Result<void> Runtime::kill(std::string_view id, int sig, bool all) {
  TRY(ContainerDir dir, store_.open(id));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status == "stopped" && !all) return fail_user("container not running");
  if (all && !record.cgroup_path.empty()) {
    auto cgroup = linux::make_cgroup_manager(record.cgroup_path);
    return signal_all_frozen(*cgroup, sig);
  }
  TRY(auto backend, backend_for_kind(record.kind, host_context()));
  TRYV(backend->signal(record, sig));
  // A frozen process acts on SIGKILL only once thawed on cgroup v1 (v2 lets it die), so a
  // SIGKILL to a paused container thaws it, as runc does. Other signals wait for resume.
  if (status == "paused" && sig == SIGKILL) {
    if (auto r = linux::make_cgroup_manager(record.cgroup_path)->thaw(); !r) log::warn("kill: " + r.error().message);
  }
  return {};
}

Result<void> Runtime::remove(std::string_view id, bool force) {
  auto opened = store_.open(id);
  // As runc: forcing the removal of something already gone is not an error (engines clean
  // up after a failed create this way).
  if (!opened && force && opened.error().code == ENOENT && validate_id(id)) return {};
  if (!opened) return fail(std::move(opened.error()));
  ContainerDir& dir = *opened;
  auto loaded = dir.load();
  if (!loaded) {
    // A directory without state.json is what a killed create leaves: only --force cleans it.
    if (force) return dir.remove();
    return fail(std::move(loaded.error()));
  }
  oci::ContainerRecord& record = *loaded;
  std::string status = container_status(dir, record);
  if ((status == "running" || status == "paused") && !force)
    return fail_user("cannot delete container " + std::string(id) + " that is not stopped: " + status);
  auto cgroup = record.cgroup_path.empty() ? nullptr : linux::make_cgroup_manager(record.cgroup_path);
  if (status != "stopped") {
    ::kill(record.pid, SIGKILL);
    if (cgroup) kill_all_and_thaw(*cgroup);
    wait_gone(record.pid, record.pid_start, 5000);
  }
  return destroy(dir, record, cgroup.get(), host_context());
}

Result<std::vector<ListEntry>> Runtime::list() {
  std::vector<ListEntry> out;
  TRY(auto ids, store_.ids());
  for (auto& id : ids) {
    ContainerDir dir(store_.root() + "/" + id, Fd());
    auto record = dir.load();
    if (!record) continue;
    out.push_back({*record, container_status(dir, *record)});
  }
  return out;
}

Result<int> Runtime::wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail_sys("wait for container");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace runz::core
