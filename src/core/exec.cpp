#include "core/exec.hpp"

#include <signal.h>
#include <sys/socket.h>

#include "core/detect.hpp"
#include "core/foreground.hpp"
#include "linux/cgroup.hpp"
#include "linux/sync_channel.hpp"
#include "util/fs.hpp"

namespace runz::core {
namespace {

void add_caps(std::vector<std::string>& set, const std::vector<std::string>& caps) {
  for (auto& c : caps) set.push_back(c);
}

// runc's rules: the container's process is the template, the flags override it.
Result<oci::Process> exec_process(const oci::Spec& container, const ExecOptions& o) {
  if (!o.process_file.empty()) {
    TRY(std::string text, read_file(o.process_file));
    TRY(oci::Process p, oci::parse_process_json(text));
    TRYV(oci::validate_process(p));
    return p;
  }
  if (o.args.empty()) return fail_user("exec: no command given (and no --process)");
  oci::Process p = container.process.value_or(oci::Process{});
  p.args = o.args;
  p.terminal = o.tty;
  p.console_size.reset();
  if (!o.cwd.empty()) p.cwd = o.cwd;
  for (auto& e : o.env) p.env.push_back(e);
  if (o.user) {
    p.user.uid = o.user->first;
    p.user.gid = o.user->second;
  }
  if (!o.additional_gids.empty()) p.user.additional_gids = o.additional_gids;
  if (!o.caps.empty()) {
    if (!p.capabilities) p.capabilities = oci::CapabilitySets{};
    add_caps(p.capabilities->bounding, o.caps);
    add_caps(p.capabilities->effective, o.caps);
    add_caps(p.capabilities->permitted, o.caps);
    add_caps(p.capabilities->ambient, o.caps);
  }
  if (o.no_new_privs) p.no_new_privileges = true;
  TRYV(oci::validate_process(p));
  return p;
}

}  // namespace

Result<pid_t> Runtime::exec(const ExecOptions& o) {
  if (!o.process_label.empty()) return fail_user("--process-label: SELinux is not available on this host");
  if (!o.apparmor.empty()) return fail_user("--apparmor: AppArmor is not available on this host");
  TRY(ContainerDir dir, store_.open(o.id, false));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status != "running" && status != "created")
    return fail_user("cannot exec in a " + status + " container");
  TRY(std::string config, read_file(dir.file("config.json")));
  TRY(oci::Spec spec, oci::parse_spec(config));
  TRY(oci::Process process, exec_process(spec, o));
  if (!process.apparmor_profile.empty()) return fail_user("process.apparmorProfile: AppArmor is not available on this host");
  std::unique_ptr<linux::CgroupManager> cgroup;
  if (!record.cgroup_path.empty()) {
    // --cgroup names a sub-cgroup: it must stay below the container's own.
    if (!o.cgroup.empty() && (o.cgroup[0] == '/' || clean_path("/" + o.cgroup) != "/" + o.cgroup || o.cgroup.find("..") != std::string::npos))
      return fail_user("--cgroup: \"" + o.cgroup + "\" is not a relative path below the container's cgroup");
    cgroup = linux::make_cgroup_manager(o.cgroup.empty() ? record.cgroup_path : record.cgroup_path + "/" + o.cgroup);
    if (!o.cgroup.empty() && !cgroup->exists())
      return fail_user("--cgroup: " + o.cgroup + " is not a sub-cgroup of the container (create it first)");
  }
  Fd console;
  if (!o.console_socket.empty()) {
    TRY(console, with_context(linux::connect_unix(o.console_socket), "console socket"));
  }
  TRY(auto backend, backend_for_kind(record.kind, host_context()));
  backends::ExecRequest req;
  req.record = &record;
  req.process = std::move(process);
  req.cgroup = cgroup.get();
  req.console_socket = console ? console.get() : o.console_fd;
  req.preserve_fds = o.preserve_fds;
  req.seccomp_json = spec.linux.seccomp_json;
  TRY(pid_t pid, backend->exec(req));
  if (!o.pid_file.empty()) TRYV(with_context(write_file_atomic(o.pid_file, std::to_string(pid), 0644), "pid file"));
  return pid;
}

Result<int> exec_container(Runtime& runtime, const ExecOptions& o, bool detach) {
  ExecOptions opts = o;
  Fd ours, theirs;
  if (o.tty && o.console_socket.empty() && o.process_file.empty()) {
    if (detach) return fail_user("cannot allocate a tty for a detached process without --console-socket");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return fail_sys("socketpair");
    ours.reset(sv[0]);
    theirs.reset(sv[1]);
    opts.console_fd = theirs.get();
  }
  sigset_t all, old;
  sigfillset(&all);
  if (!detach) ::sigprocmask(SIG_BLOCK, &all, &old);
  auto result = [&]() -> Result<int> {
    TRY(pid_t pid, runtime.exec(opts));
    if (detach) return 0;
    Fd master;
    if (ours) {
      TRY(master, linux::receive_fd(ours.get()));
    }
    return foreground(pid, master ? master.get() : -1);
  }();
  if (!detach) ::sigprocmask(SIG_SETMASK, &old, nullptr);
  return result;
}

}  // namespace runz::core
