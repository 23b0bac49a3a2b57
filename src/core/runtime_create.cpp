// create: validate the bundle, claim the id, make the cgroup, have the backend build the
// container, record it. Any failure removes everything made so far.
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <cstdio>

#include "core/detect.hpp"
#include "core/hooks.hpp"
#include "core/runtime.hpp"
#include "linux/cgroup_apply.hpp"
#include "linux/cgroup_warm_up.hpp"
#include "linux/device_rules.hpp"
#include "linux/proc.hpp"
#include "linux/resources.hpp"
#include "linux/sync_channel.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace runz::core {
namespace {

std::string now_rfc3339() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  ::gmtime_r(&ts.tv_sec, &t);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  std::snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
  return buf;
}

std::string owner_name() {
  if (passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

Result<std::string> real_dir(const std::string& path, std::string_view what) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return fail_sys(std::string(what) + " " + path);
  struct stat st;
  if (::stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return fail_user(std::string(what) + " " + path + " is not a directory");
  return std::string(buf);
}

bool systemd_running() { return path_exists("/run/systemd/system"); }

// Everything create has made, undone in reverse unless dismissed.
struct CreateUndo {
  ContainerDir* dir = nullptr;
  std::unique_ptr<linux::CgroupManager> cgroup;
  bool cgroup_made = false;
  bool armed = true;
  ~CreateUndo() {
    if (!armed) return;
    if (cgroup) {
      (void)cgroup->signal_all(SIGKILL);
      if (cgroup_made) (void)cgroup->destroy();
    }
    if (dir) (void)dir->remove();
  }
};

}  // namespace

Result<pid_t> Runtime::create(const CreateOptions& o, const oci::BundleConfig* config) {
  TRYV(validate_id(o.id));
  std::jthread warm_up = linux::warm_up_cgroup_migration();
  TRY(std::string bundle, real_dir(o.bundle, "bundle"));
  oci::BundleConfig loaded;
  if (!config) {
    TRY(loaded, oci::load_bundle_config(bundle));
    config = &loaded;
  }
  const oci::Spec& spec = config->spec;
  std::string rootfs_path = spec.root.path[0] == '/' ? spec.root.path : path_join(bundle, spec.root.path);
  TRY(std::string rootfs, real_dir(rootfs_path, "root.path"));
  const std::string& cgpath = spec.linux.cgroups_path;
  if (!options_.systemd_cgroup && !cgpath.empty() && cgpath[0] != '/' && std::count(cgpath.begin(), cgpath.end(), ':') == 2)
    return fail_user("linux.cgroupsPath \"" + cgpath + "\" is in systemd's slice:prefix:name form, which needs --systemd-cgroup");
  if (options_.systemd_cgroup && !systemd_running())
    return fail_user("--systemd-cgroup: systemd is not running on this host; use the cgroupfs driver (drop the flag)");
  if (spec.process && !spec.process->apparmor_profile.empty())
    return fail_user("process.apparmorProfile is set but AppArmor is not available on this host");
  if (spec.process && !spec.process->selinux_label.empty())
    return fail_user("process.selinuxLabel is set but SELinux is not available on this host");
  TRY(auto backend, backend_for(spec, rootfs, host_context()));
  TRYV(backend->prepare(spec, rootfs));
  TRY(linux::Resources resources, linux::parse_resources(spec.linux.resources_json));
  resources.devices = linux::container_device_rules(resources.devices, spec.linux.devices);
  if (!resources.devices.empty())
    for (auto& rule : backend->init_devices()) resources.devices.push_back(rule);

  TRY(ContainerDir dir, store_.create(o.id));
  CreateUndo undo{&dir};

  undo.cgroup = linux::make_cgroup_manager(linux::resolve_cgroups_path(spec.linux.cgroups_path, o.id));
  auto& cgroup = undo.cgroup;
  TRY(undo.cgroup_made, with_context(cgroup->create(), "cgroup"));
  // Limits are in place before the init joins the cgroup.
  TRYV(linux::apply_resources(*cgroup, "/sys/fs/cgroup", resources));

  std::string fifo = dir.file("exec.fifo");
  if (::mkfifo(fifo.c_str(), 0600) != 0) return fail_sys("create exec fifo");
  TRY(Fd fifo_fd, open_fd(fifo, O_RDWR));

  Fd console;
  if (!o.console_socket.empty()) {
    TRY(console, with_context(linux::connect_unix(o.console_socket), "console socket"));
  }

  Fd listener;
  if (!spec.linux.seccomp_listener_path.empty()) {
    TRY(listener, with_context(linux::connect_unix(spec.linux.seccomp_listener_path), "linux.seccomp.listenerPath"));
  }

  oci::ContainerRecord record;
  record.id = o.id;
  record.kind = std::string(backend->kind());
  record.bundle = bundle;
  record.rootfs = rootfs;
  record.created = now_rfc3339();
  record.owner = owner_name();
  record.annotations = spec.annotations;
  record.cgroup_path = cgroup->path();
  record.cgroup_owned = undo.cgroup_made;
  record.poststart = spec.hooks.poststart;
  record.poststop = spec.hooks.poststop;

  backends::CreateRequest req;
  req.id = o.id;
  req.spec = &spec;
  req.bundle = bundle;
  req.rootfs = rootfs;
  req.cgroup = cgroup.get();
  req.console_socket = console ? console.get() : o.console_fd;
  req.exec_fifo = fifo_fd.get();
  req.seccomp_listener = listener ? listener.get() : -1;
  req.preserve_fds = o.preserve_fds;
  req.no_pivot = o.no_pivot;
  req.no_new_keyring = o.no_new_keyring;
  req.state_for_hooks = [&](pid_t pid, std::string_view status) {
    oci::ContainerRecord r = record;
    r.pid = pid;
    return oci::state_json(r, status, false);
  };
  req.runtime_hooks = [&](pid_t pid) -> Result<void> {
    std::string state = req.state_for_hooks(pid, "creating");
    TRYV(run_hooks(spec.hooks.prestart, state, "prestart"));
    return run_hooks(spec.hooks.create_runtime, state, "createRuntime");
  };

  TRY(pid_t pid, backend->create(req));
  record.pid = pid;
  if (auto st = linux::read_proc_stat(pid)) record.pid_start = st->start_time;
  // exec takes its defaults from the config the container was created with, not from a
  // bundle that may have changed since.
  auto saved = write_file_atomic(dir.file("config.json"), config->text, 0600);
  if (saved) saved = dir.save(record);
  if (saved && !o.pid_file.empty()) saved = with_context(write_file_atomic(o.pid_file, std::to_string(pid), 0644), "pid file");
  if (!saved) {
    ::kill(pid, SIGKILL);
    return fail(std::move(saved.error()));
  }
  undo.armed = false;
  log::debug("created container " + o.id + " with init pid " + std::to_string(pid));
  return pid;
}

}  // namespace runz::core
