// The container's init, from its new namespaces to the exec of process.args.
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "backends/process/init_context.hpp"
#include "linux/capabilities.hpp"
#include "linux/console.hpp"
#include "linux/process_setup.hpp"
#include "linux/rootfs.hpp"
#include "linux/run_hook.hpp"
#include "linux/seccomp_apply.hpp"
#include "util/fs.hpp"

namespace runz::backends::process {
namespace {

constexpr long kKeyctlJoinSessionKeyring = 1;

Result<void> set_names(const oci::Spec& spec) {
  if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0)
    return fail_sys("sethostname");
  if (!spec.domainname.empty() && ::setdomainname(spec.domainname.data(), spec.domainname.size()) != 0)
    return fail_sys("setdomainname");
  return {};
}

Result<void> write_sysctls(const oci::Spec& spec) {
  for (auto& [key, value] : spec.linux.sysctl) {
    std::string path = "/proc/sys/" + key;
    for (size_t i = 10; i < path.size(); ++i)
      if (path[i] == '.') path[i] = '/';
    TRYV(with_context(write_existing(path, value), "sysctl " + key));
  }
  return {};
}

struct HookStates {
  std::string creating, created;
};

Result<HookStates> wait_for_runtime_hooks(const linux::SyncChannel& sync) {
  TRYV(sync.send(msg::kHooks));
  TRY(linux::Message m, sync.receive());
  if (m.type != msg::kState) return fail_user("create aborted");
  auto nul = m.payload.find('\0');
  return HookStates{m.payload.substr(0, nul), nul == std::string::npos ? "" : m.payload.substr(nul + 1)};
}

Result<void> run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state, std::string_view phase) {
  for (auto& h : hooks) TRYV(with_context(linux::run_hook(h, state), std::string(phase) + " hook"));
  return {};
}

// The host cannot reach into our pid namespace to write these: set them ourselves.
Result<void> process_attributes(const CreateRequest& req, const oci::Process& p) {
  auto& spec = *req.spec;
  if (p.oom_score_adj) TRYV(linux::set_oom_score_adj(*p.oom_score_adj));
  if (spec.linux.personality_domain) TRYV(linux::set_personality(*spec.linux.personality_domain));
  if (!req.no_new_keyring) {
    std::string name = "_ses." + req.id;
    if (::syscall(SYS_keyctl, kKeyctlJoinSessionKeyring, name.c_str()) < 0 && errno != ENOSYS && errno != EDQUOT)
      return fail_sys("join session keyring");
  }
  return linux::apply_rlimits(p.rlimits);
}

Result<void> wait_for_start(int fifo) {
  char c;
  for (;;) {
    ssize_t n = ::read(fifo, &c, 1);
    if (n == 1) return {};
    if (n < 0 && errno == EINTR) continue;
    return fail_sys("wait for start");
  }
}

Result<void> build_container(const CreateRequest& req, const linux::SyncChannel& sync, HookStates& states,
                             std::string& exe, linux::SeccompPlan& seccomp) {
  auto& spec = *req.spec;
  const oci::Process& p = *spec.process;
  linux::reset_signal_state();
  // CVE-2024-21626 class: no descriptor of the runtime's (the store lock on <root>/<id>,
  // namespace files, the log) may survive into the container, even briefly.
  linux::close_inherited_fds(req.preserve_fds, {sync.fd(), req.exec_fifo, req.console_socket, req.seccomp_listener});
  linux::RootfsPlan plan{&spec, req.rootfs, req.bundle, req.cgroup ? req.cgroup->path() : "", req.no_pivot};
  TRYV(linux::mount_rootfs(plan));
  TRY(states, wait_for_runtime_hooks(sync));
  // Now in the container's cgroup: a new cgroup namespace gets it as its root.
  const oci::Namespace* cgroupns = spec.linux.find_namespace("cgroup");
  if (cgroupns && cgroupns->path.empty() && ::unshare(CLONE_NEWCGROUP) != 0) return fail_sys("create cgroup namespace");
  TRYV(linux::mount_cgroup2(plan));
  TRYV(run_hooks(spec.hooks.create_container, states.creating, "createContainer"));
  TRYV(linux::enter_rootfs(plan));
  TRYV(set_names(spec));
  TRYV(write_sysctls(spec));
  if (p.terminal) TRYV(linux::setup_console(req.console_socket, p.console_size, p.user.uid, true));
  TRY(exe, linux::find_executable(p.args[0], p.env));
  if (!path_exists(p.cwd)) TRYV(mkdir_p(p.cwd));
  TRYV(linux::finish_rootfs(plan));
  TRYV(process_attributes(req, p));
  TRY(seccomp, linux::plan_seccomp(spec.linux.seccomp_json, p));
  if (seccomp.early) TRYV(linux::load_seccomp(seccomp, req.seccomp_listener, states.created));
  TRYV(linux::apply_identity(p));
  return linux::enter_cwd(p.cwd);
}

// A monitor (vm, partition) keeps the host's filesystem: its VMM or hypervisor tools live
// there. Host mounts still reach it; nothing it mounts reaches the host.
Result<void> build_monitor(const CreateRequest& req, const linux::SyncChannel& sync, HookStates& states) {
  auto& spec = *req.spec;
  const oci::Process& p = *spec.process;
  linux::reset_signal_state();
  linux::close_inherited_fds(req.preserve_fds, {sync.fd(), req.exec_fifo, req.console_socket});
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) return fail_sys("make / a slave mount");
  TRY(states, wait_for_runtime_hooks(sync));
  const oci::Namespace* cgroupns = spec.linux.find_namespace("cgroup");
  if (cgroupns && cgroupns->path.empty() && ::unshare(CLONE_NEWCGROUP) != 0) return fail_sys("create cgroup namespace");
  TRYV(run_hooks(spec.hooks.create_container, states.creating, "createContainer"));
  TRYV(set_names(spec));
  if (p.terminal) TRYV(linux::setup_console(req.console_socket, p.console_size, p.user.uid, false));
  TRYV(process_attributes(req, p));
  TRYV(linux::apply_identity(p));
  return linux::enter_cwd(p.cwd);
}

[[noreturn]] void monitor_init(const CreateRequest& req, const linux::SyncChannel& sync) {
  HookStates states;
  auto built = build_monitor(req, sync, states);
  if (!built) {
    (void)sync.send(msg::kError, built.error().message);
    ::_exit(1);
  }
  if (!sync.send(msg::kReady)) ::_exit(1);
  linux::close_inherited_fds(req.preserve_fds, {req.exec_fifo});
  if (!wait_for_start(req.exec_fifo)) ::_exit(1);
  auto r = run_hooks(req.spec->hooks.start_container, states.created, "startContainer");
  if (!r) {
    [[maybe_unused]] auto n = ::write(req.exec_fifo, "E", 1);
    std::string line = "runz: " + r.error().message + "\n";
    n = ::write(STDERR_FILENO, line.data(), line.size());
    ::_exit(127);
  }
  ::close(req.exec_fifo);
  ::_exit(req.monitor());
}

}  // namespace

void container_init(const CreateRequest& req, const linux::SyncChannel& sync) {
  if (req.monitor) monitor_init(req, sync);
  HookStates states;
  std::string exe;
  linux::SeccompPlan seccomp;
  auto built = build_container(req, sync, states, exe, seccomp);
  if (!built) {
    (void)sync.send(msg::kError, built.error().message);
    ::_exit(1);
  }
  if (!sync.send(msg::kReady)) ::_exit(1);
  // Only stdio, --preserve-fds and the fifo (close-on-exec) stay open from here on.
  linux::close_inherited_fds(req.preserve_fds, {req.exec_fifo, req.seccomp_listener});
  if (!wait_for_start(req.exec_fifo)) ::_exit(1);
  auto& p = *req.spec->process;
  auto r = run_hooks(req.spec->hooks.start_container, states.created, "startContainer");
  if (!r) [[maybe_unused]] auto n = ::write(req.exec_fifo, "E", 1);  // tells `start` why we stop
  if (r && !seccomp.early) r = linux::load_seccomp(seccomp, req.seccomp_listener, states.created);
  if (r) r = linux::exec_process(exe, p.args, p.env);
  std::string line = "runz: " + r.error().message + "\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(127);
}

}  // namespace runz::backends::process
