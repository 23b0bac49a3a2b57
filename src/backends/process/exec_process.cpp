// `runz exec` for process containers: a helper joins the init's namespaces, forks the new
// process inside them (so it is in the container's pid namespace), and that process sets
// up its identity, waits until the runtime has put it in the cgroup, and execs.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "backends/process/exec_process.hpp"
#include "backends/process/init_context.hpp"
#include "linux/console.hpp"
#include "linux/namespaces.hpp"
#include "linux/process_setup.hpp"
#include "linux/seccomp_apply.hpp"
#include "util/strings.hpp"

namespace runz::backends::process {
namespace {

ino_t ns_inode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// The namespaces of the container's init that differ from ours, user first.
Result<std::vector<linux::NamespaceJoin>> init_namespaces(pid_t pid) {
  std::vector<linux::NamespaceJoin> out;
  for (auto& type : oci::namespace_types()) {
    std::string name = linux::namespace_proc_name(type);
    std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + name;
    ino_t ino = ns_inode(theirs);
    if (ino == 0 || ino == ns_inode("/proc/self/ns/" + name)) continue;
    int fd = ::open(theirs.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail_sys("open " + theirs);
    out.push_back({type, linux::namespace_flag(type), Fd(fd)});
  }
  return out;
}

Result<std::string> prepare(const ExecRequest& req, const linux::SyncChannel& sync) {
  const oci::Process& p = req.process;
  linux::reset_signal_state();
  linux::close_inherited_fds(req.preserve_fds, {sync.fd(), req.console_socket});
  if (p.terminal) TRYV(linux::setup_console(req.console_socket, p.console_size, p.user.uid, false));
  TRY(std::string exe, linux::find_executable(p.args[0], p.env));
  if (p.oom_score_adj) TRYV(linux::set_oom_score_adj(*p.oom_score_adj));
  TRYV(linux::apply_rlimits(p.rlimits));
  TRY(linux::SeccompPlan seccomp, linux::plan_seccomp(req.seccomp_json, p));
  TRYV(linux::enter_cwd(p.cwd));
  TRYV(sync.send(msg::kReady));
  TRY(linux::Message go, sync.receive());
  if (go.type != msg::kGo) return fail_user("exec aborted");
  // The container's filter binds exec'd processes too; listener notification is the init's.
  if (seccomp.early) TRYV(linux::load_seccomp(seccomp, -1, "{}"));
  TRYV(linux::apply_identity(p));
  if (!seccomp.early) TRYV(linux::load_seccomp(seccomp, -1, "{}"));
  return exe;
}

[[noreturn]] void exec_child(const ExecRequest& req, const linux::SyncChannel& sync) {
  auto exe = prepare(req, sync);
  if (!exe) {
    (void)sync.send(msg::kError, exe.error().message);
    ::_exit(1);
  }
  linux::close_inherited_fds(req.preserve_fds);
  auto r = linux::exec_process(*exe, req.process.args, req.process.env);
  std::string line = "runz: " + r.error().message + "\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(127);
}

[[noreturn]] void exec_helper(const ExecRequest& req, const linux::SyncChannel& sync,
                              const std::vector<linux::NamespaceJoin>& joins) {
  for (auto& j : joins) {
    if (auto r = linux::join_namespace(j); !r) {
      (void)sync.send(msg::kError, r.error().message);
      ::_exit(1);
    }
  }
  int hold[2];
  if (::pipe2(hold, O_CLOEXEC) != 0) ::_exit(1);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(hold[1]);
    char c;
    while (::read(hold[0], &c, 1) < 0 && errno == EINTR) {}
    exec_child(req, sync);
  }
  if (child < 0) {
    (void)sync.send(msg::kError, "fork: " + std::string(std::strerror(errno)));
    ::_exit(1);
  }
  (void)sync.send(msg::kPid, std::to_string(child));
  ::_exit(0);
}

Result<void> expect_msg(const linux::SyncChannel& sync, char type) {
  TRY(linux::Message m, sync.receive());
  if (m.type == msg::kError) return fail_user(m.payload);
  if (m.type != type) return fail_user("unexpected message from the exec'd process");
  return {};
}

}  // namespace

Result<pid_t> exec_in_container(const ExecRequest& req) {
  TRY(auto joins, init_namespaces(req.record->pid));
  TRY(auto channels, linux::SyncChannel::pair());
  auto& [ours, theirs] = channels;
  pid_t helper = ::fork();
  if (helper < 0) return fail_sys("fork");
  if (helper == 0) {
    ours.close();
    exec_helper(req, theirs, joins);
  }
  theirs.close();
  auto pid_msg = ours.receive();
  ::waitpid(helper, nullptr, 0);
  if (!pid_msg) return fail(std::move(pid_msg.error()));
  if (pid_msg->type == msg::kError) return fail_user(pid_msg->payload);
  pid_t pid = static_cast<pid_t>(parse_int(pid_msg->payload).value_or(0));
  auto r = [&]() -> Result<void> {
    if (req.cgroup) TRYV(with_context(req.cgroup->attach(pid), "join the container's cgroup"));
    TRYV(expect_msg(ours, msg::kReady));
    return ours.send(msg::kGo);
  }();
  if (!r) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return fail(std::move(r.error()));
  }
  return pid;
}

}  // namespace runz::backends::process
