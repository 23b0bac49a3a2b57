// The process kind: the container's init is a Linux process in new (or joined) namespaces.
// The runtime forks a helper that enters the namespaces, and the helper forks the init, so
// the init is born inside a new pid (and time) namespace.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/process/exec_process.hpp"
#include "backends/process/init_context.hpp"
#include "linux/namespaces.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::process {
namespace {

std::string map_text(const std::vector<oci::IdMapping>& maps) {
  std::string out;
  for (auto& m : maps)
    out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
  return out;
}

Result<void> write_id_maps(pid_t pid, const oci::Linux& l) {
  std::string base = "/proc/" + std::to_string(pid);
  TRYV(with_context(write_existing(base + "/uid_map", map_text(l.uid_mappings)), "write uid_map"));
  TRYV(with_context(write_existing(base + "/gid_map", map_text(l.gid_mappings)), "write gid_map"));
  return {};
}

Result<void> write_time_offsets(const oci::Linux& l) {
  std::string text;
  for (auto& [clock, off] : l.time_offsets)
    text += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
  if (text.empty()) return {};
  return with_context(write_existing("/proc/self/timens_offsets", text), "write time offsets");
}

// In the helper: enter the user namespace, let the runtime map ids and place us in the
// cgroup, join and create the other namespaces, then fork the init.
Result<pid_t> enter_namespaces(const CreateRequest& req, const linux::SyncChannel& sync,
                               const std::vector<linux::NamespaceJoin>& joins) {
  auto& l = req.spec->linux;
  const oci::Namespace* user = l.find_namespace("user");
  for (auto& j : joins)
    if (j.type == "user") TRYV(linux::join_namespace(j));
  if (user && user->path.empty()) {
    if (::unshare(CLONE_NEWUSER) != 0) return fail_sys("create user namespace");
    TRYV(sync.send(msg::kUserNs));
    TRY(linux::Message go, sync.receive());
    if (go.type != msg::kGo) return fail_user("create aborted");
  }
  if (user) {
    if (::setresgid(0, 0, 0) != 0) return fail_sys("become root in the user namespace (gid 0 mapped?)");
    if (::setresuid(0, 0, 0) != 0) return fail_sys("become root in the user namespace (uid 0 mapped?)");
  }
  for (auto& j : joins)
    if (j.type != "user") TRYV(linux::join_namespace(j));
  // A new cgroup namespace is made by the init once it is in the container's cgroup.
  int flags = linux::new_namespace_flags(l) & ~CLONE_NEWCGROUP;
  if (flags && ::unshare(flags) != 0) return fail_sys("create namespaces");
  TRYV(write_time_offsets(l));
  // The init must not talk before its pid has been reported: it waits for this pipe to close.
  int hold[2];
  if (::pipe2(hold, O_CLOEXEC) != 0) return fail_sys("pipe");
  pid_t init = ::fork();
  if (init < 0) return fail_sys("fork container init");
  if (init == 0) {
    ::close(hold[1]);
    char c;
    while (::read(hold[0], &c, 1) < 0 && errno == EINTR) {}
    ::close(hold[0]);
    container_init(req, sync);
  }
  ::close(hold[0]);
  return init;
}

[[noreturn]] void helper_main(const CreateRequest& req, const linux::SyncChannel& sync,
                              const std::vector<linux::NamespaceJoin>& joins) {
  auto init = enter_namespaces(req, sync, joins);
  if (!init) {
    (void)sync.send(msg::kError, init.error().message);
    ::_exit(1);
  }
  (void)sync.send(msg::kPid, std::to_string(*init));
  ::_exit(0);  // closes the hold pipe: the init goes on
}

Result<linux::Message> expect(const linux::SyncChannel& sync, char type) {
  TRY(linux::Message m, sync.receive());
  if (m.type == msg::kError) return fail_user(m.payload);
  if (m.type != type) return fail_user(std::string("unexpected message from the container's init: ") + m.type);
  return m;
}

class ProcessBackend final : public Backend {
 public:
  std::string_view kind() const override { return "process"; }

  Result<pid_t> exec(const ExecRequest& req) override {
    if (req.process.terminal && req.console_socket < 0)
      return fail_user("a terminal was requested but no --console-socket was given");
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    return exec_in_container(req);
  }

  Result<pid_t> create(const CreateRequest& req) override {
    auto& spec = *req.spec;
    if (!spec.process) return fail_user("config.json has no process to run");
    if (!spec.linux.has_namespace("mount"))
      return fail_user("linux.namespaces: a process container needs a mount namespace");
    if (spec.process->terminal && req.console_socket < 0)
      return fail_user("process.terminal is true but no --console-socket was given");
    TRY(auto joins, linux::open_namespace_paths(spec.linux));
    TRY(auto channels, linux::SyncChannel::pair());
    auto& [ours, theirs] = channels;
    // We adopt the init when the helper exits, so a failed create can reap it.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pid_t helper = ::fork();
    if (helper < 0) return fail_sys("fork");
    if (helper == 0) {
      ours.close();
      helper_main(req, theirs, joins);
    }
    theirs.close();
    pid_t init = 0;
    auto r = drive(req, ours, helper, init);
    if (!r) {
      if (init > 0) {
        ::kill(init, SIGKILL);
        ::waitpid(init, nullptr, 0);
      }
      ::kill(helper, SIGKILL);
      ::waitpid(helper, nullptr, 0);
      return fail(std::move(r.error()));
    }
    return init;
  }

 private:
  static Result<void> drive(const CreateRequest& req, const linux::SyncChannel& sync, pid_t helper, pid_t& init) {
    auto& l = req.spec->linux;
    const oci::Namespace* user = l.find_namespace("user");
    if (user && user->path.empty()) {
      TRYV(expect(sync, msg::kUserNs));
      TRYV(write_id_maps(helper, l));
      TRYV(sync.send(msg::kGo));
    }
    TRY(linux::Message pid_msg, expect(sync, msg::kPid));
    init = static_cast<pid_t>(parse_int(pid_msg.payload).value_or(0));
    ::waitpid(helper, nullptr, 0);
    // Moving a task between cgroups waits for an RCU grace period (~10 ms here): do it
    // while the init builds its mounts, which need no cgroup.
    if (req.cgroup) TRYV(with_context(req.cgroup->attach(init), "join cgroup"));
    TRYV(expect(sync, msg::kHooks));
    auto hooks = req.runtime_hooks ? req.runtime_hooks(init) : Result<void>{};
    if (!hooks) {
      (void)sync.send(msg::kAbort);
      return hooks;
    }
    std::string states = req.state_for_hooks ? req.state_for_hooks(init, "creating") : "";
    states += '\0';
    if (req.state_for_hooks) states += req.state_for_hooks(init, "created");
    TRYV(sync.send(msg::kState, states));
    TRYV(expect(sync, msg::kReady));
    return {};
  }
};

}  // namespace
}  // namespace runz::backends::process

namespace runz::backends {
std::unique_ptr<Backend> make_process_backend() { return std::make_unique<process::ProcessBackend>(); }
}  // namespace runz::backends
