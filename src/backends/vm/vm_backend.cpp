// The vm kind: the container's workload is a guest kernel booted by a VMM (QEMU first). The
// container's init is a monitor that runs the VMM as its child (vm_monitor.hpp) inside the
// container's cgroup and namespaces, in the host's mount view where QEMU lives.
#include <linux/capability.h>
#include <sys/stat.h>

#include <chrono>

#include "backends/backend.hpp"
#include "backends/monitor_spec.hpp"
#include "backends/partition/boot_config.hpp"
#include "backends/resource_hints.hpp"
#include "backends/vm/guest_file.hpp"
#include "backends/vm/guest_modules.hpp"
#include "backends/vm/guest_network.hpp"
#include "backends/vm/guest_process.hpp"
#include "backends/vm/host_tsc.hpp"
#include "backends/vm/initramfs.hpp"
#include "backends/vm/vm_host_config.hpp"
#include "backends/vm/vm_monitor.hpp"
#include "backends/vm/vm_plan.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {
namespace {

constexpr int64_t kKvmMajor = 10, kKvmMinor = 232;
constexpr int64_t kTunMajor = 10, kTunMinor = 200;  // /dev/net/tun

// What QEMU needs beyond an unprivileged root: a Linux guest's 9p root serves files of any
// owner (security_model=none acts as the guest's root); a bare-metal guest needs nothing.
std::vector<std::string> vmm_capabilities(GuestFamily family) {
  if (family != GuestFamily::linux) return {};
  return {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
          "CAP_MKNOD", "CAP_SETGID", "CAP_SETUID"};
}

// The monitor's own, when it sets up the guest's network: CAP_NET_ADMIN for the tap, tc and
// the address, CAP_SETPCAP to take both out of the VMM's bounding set (QEMU gets the tap's fd).
const std::vector<std::string> kNetworkCapabilityNames = {"CAP_NET_ADMIN", "CAP_SETPCAP"};
const std::vector<int> kNetworkCapabilities = {CAP_NET_ADMIN, CAP_SETPCAP};


// The exit status a Linux guest's init left in the status share, if it is a valid one.
std::optional<int> read_guest_status(const std::string& dir) {
  auto text = read_file(path_join(dir, "exit-status"));
  if (!text) return std::nullopt;
  auto n = parse_int(trim(*text));
  if (!n || *n < 0 || *n > 255) return std::nullopt;
  return static_cast<int>(*n);
}

// Whether the container has a network namespace of its own (new, or joined by a path that
// is not runz's own). In the host's namespace the guest must never take an interface over.
bool own_network_namespace(const oci::Spec& spec) {
  const oci::Namespace* ns = spec.linux.find_namespace("network");
  if (!ns) return false;
  if (ns->path.empty()) return true;
  struct stat theirs{}, ours{};
  // A bad path fails create later, with its own message.
  if (::stat(ns->path.c_str(), &theirs) != 0 || ::stat("/proc/self/ns/net", &ours) != 0) return true;
  return theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino;
}


class VmBackend final : public Backend {
 public:
  explicit VmBackend(HostContext host) : host_(std::move(host)) {}
  std::string_view kind() const override { return "vm"; }

  Result<void> prepare(const oci::Spec& spec, const std::string& rootfs) override {
    TRY(std::string text, host_.config_text());
    TRY(defaults_, parse_vm_defaults(text, host_.config_path));
    if (!spec.process) return fail_user("config.json has no process to run");
    TRY(GuestSource source, find_guest(spec, rootfs, partition::has_boot_config(rootfs)));
    const GuestFile& file = source.file;
    const GuestImage& image = source.image;
    TRY(backends::ResourceHints hints, resource_hints(spec));
    TRY(VmSettings settings, vm_settings(spec.annotations, defaults_, hints));
    timeout_ = settings.shutdown_timeout;
    family_ = family_for(image);
    net_mode_ = settings.net;
    if (!own_network_namespace(spec)) {
      if (net_mode_ == NetMode::tap)
        return fail_user("runz.vm.network=tap needs a network namespace of the container's own (it shares the host's)");
      net_mode_ = NetMode::none;
    }
    GuestInputs in{image, file.in_root, spec.process->args, spec.process->env, rootfs, spec.root.readonly, "", {}};
    if (family_ != GuestFamily::baremetal)
      if (auto khz = host_tsc_khz()) in.tsc_khz = *khz;
    if (family_ == GuestFamily::linux) {
      TRYV(check_linux_guest_files());
      in.initrd = "initramfs.cpio";  // the real path is known at create
    }
    TRY(planned_, plan_vm(in, settings, defaults_, probe_accel()));
    TRY(vmm_, make_vmm(settings.vmm, defaults_));
    image_in_root_ = file.in_root;
    rootfs_ = rootfs;
    return {};
  }

  std::vector<linux::DeviceRule> init_devices() const override {
    std::vector<linux::DeviceRule> rules;
    if (planned_.plan.accel == Accel::kvm) rules.push_back({true, 'c', kKvmMajor, kKvmMinor, "rwm"});
    if (networked()) rules.push_back({true, 'c', kTunMajor, kTunMinor, "rwm"});  // the monitor makes the tap
    return rules;
  }

  Result<pid_t> create(const CreateRequest& req) override {
    VmPlan plan = planned_.plan;
    // The image is handed over as an fd opened inside the rootfs when the VM starts.
    const std::string image_fd = "/proc/self/fd/" + std::to_string(kFirstFileFd);
    if (plan.kernel == image_in_root_) plan.kernel = image_fd;
    if (plan.initrd == image_in_root_) plan.initrd = image_fd;
    std::string status_dir;
    if (family_ == GuestFamily::linux) {
      TRY(plan.initrd, write_guest_initramfs(req));
      // isa-debug-exit keeps 7 bits of a status; our init writes all 8 here too.
      status_dir = path_join(path_join(host_.root, req.id), "guest-status");
      TRYV(mkdir_p(status_dir, 0700));
      plan.shares.push_back({"runzstatus", status_dir, false});
    }
    if (req.spec->process->terminal) plan.console = Console::serial_terminal;
    TRY(auto argv, vmm_argv(plan));
    MonitorPlan monitor;
    monitor.argv = argv;
    std::vector<std::string> capabilities = vmm_capabilities(family_);
    if (networked()) {
      monitor.network = monitor_network(plan, req.id);
      monitor.monitor_only_capabilities = kNetworkCapabilities;
      capabilities.insert(capabilities.end(), kNetworkCapabilityNames.begin(), kNetworkCapabilityNames.end());
    }
    monitor.shutdown_timeout = timeout_;
    monitor.rootfs = rootfs_;
    if (plan.kernel == image_fd || plan.initrd == image_fd) monitor.rootfs_files = {image_in_root_};
    const Vmm* vmm = vmm_.get();
    monitor.decode = [vmm, plan, status_dir](int status, const QmpSeen& seen) {
      ExitEvidence evidence;
      evidence.guest_started = seen.greeted;
      evidence.shutdown_reason = seen.shutdown_reason;
      evidence.guest_panicked = seen.panicked;
      VmExit end = vmm->decode_exit(status, plan, evidence);
      if (end.how == ExitHow::debug_exit && !status_dir.empty())
        if (auto full = read_guest_status(status_dir)) end.code = *full;
      return GuestEnd{end.code, end.message};
    };
    oci::Spec spec = monitor_spec(*req.spec, argv, capabilities);
    CreateRequest r = req;
    r.spec = &spec;
    r.monitor = [&monitor] { return run_vm_monitor(monitor); };
    return create_monitor_init(r);
  }

  Result<pid_t> exec(const ExecRequest&) override {
    return fail_user("exec is not supported in a vm container: its workload is a guest kernel, not a Linux "
                     "process, and runz has no guest agent yet");
  }

 private:
  // The guest may get a NIC: the mode allows it and the guest has a driver for one.
  bool networked() const { return net_mode_ != NetMode::none && make_guest_kind(family_)->has_nic_driver(); }

  // The VMM's command line, argv[0] absolute; QMP on fd 3.
  Result<std::vector<std::string>> vmm_argv(const VmPlan& plan) const {
    TRY(auto argv, vmm_->command(plan));
    auto exe = find_in_path(argv[0]);
    if (!exe) return fail_user("VMM " + argv[0] + " not found (install qemu-system-x86 or set [vm] qemu in runz.toml)");
    argv[0] = *exe;
    for (const char* a : {"-S", "-chardev", "socket,id=qmp,fd=3,server=off", "-mon", "chardev=qmp,mode=control"})
      argv.push_back(a);
    return argv;
  }

  // The command line with a NIC is only known at start, in the container's netns.
  MonitorNetwork monitor_network(const VmPlan& plan, const std::string& id) const {
    MonitorNetwork net;
    net.tap_name = tap_name_for(id);
    net.required = net_mode_ == NetMode::tap;
    std::shared_ptr<const GuestKind> kind = make_guest_kind(family_);
    net.argv_with_nic = [this, plan, kind](const GuestNetConfig& config,
                                           int tap_fd) -> Result<std::vector<std::string>> {
      VmPlan p = plan;
      p.net = NetAttachment{tap_fd, config.mac};
      TRYV(kind->configure_network(p, config));
      return vmm_argv(p);
    };
    return net;
  }

  Result<void> check_linux_guest_files() const {
    for (auto& [what, path] : {std::pair{"linux_kernel", defaults_.linux_kernel},
                               {"linux_modules", defaults_.linux_modules},
                               {"guest_init", defaults_.guest_init}}) {
      if (path.empty())
        return fail_user(std::string("a Linux guest needs [vm] ") + what + " in " + host_.config_path +
                         " (this image's process is a Linux program, not a guest kernel)");
      if (!path_exists(path)) return fail_user(std::string("[vm] ") + what + " " + path + ": no such file");
    }
    return {};
  }

  // The guest's initramfs: our init, the process to run and the 9p modules, kept beside
  // the container's state (removed with it).
  Result<std::string> write_guest_initramfs(const CreateRequest& req) const {
    std::vector<std::string> wanted = kGuest9pModules;
    wanted.insert(wanted.end(), kGuestPowerButtonModules.begin(), kGuestPowerButtonModules.end());
    if (networked()) wanted.insert(wanted.end(), kGuestNetModules.begin(), kGuestNetModules.end());
    TRY(auto modules, find_guest_modules(defaults_.linux_modules, wanted));
    InitramfsContent content{defaults_.guest_init, encode_guest_process(*req.spec->process, req.spec->hostname),
                             std::move(modules)};
    std::string path = path_join(path_join(host_.root, req.id), "initramfs.cpio");
    TRYV(with_context(write_initramfs(path, content), "guest initramfs"));
    return path;
  }

  HostContext host_;
  VmDefaults defaults_;
  GuestFamily family_ = GuestFamily::baremetal;
  NetMode net_mode_ = NetMode::automatic;
  PlannedVm planned_;
  std::unique_ptr<Vmm> vmm_;
  std::string image_in_root_, rootfs_;
  std::chrono::milliseconds timeout_{10000};
};

}  // namespace
}  // namespace runz::backends::vm

namespace runz::backends {
std::unique_ptr<Backend> make_vm_backend(const HostContext& host) { return std::make_unique<vm::VmBackend>(host); }
}  // namespace runz::backends
