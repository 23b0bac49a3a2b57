// The QEMU driver: microvm on x86_64 (direct PVH/multiboot/bzImage boot through qboot, no
// BIOS), virt on aarch64; -nodefaults, serial console on stdio, QEMU's own -sandbox.
#include <sys/wait.h>

#include <algorithm>
#include <cctype>

#include "backends/vm/guest_net_config.hpp"
#include "backends/vm/vmm.hpp"

namespace runz::backends::vm {

namespace {

// QemuOpts values escape a comma by doubling it.
std::string opt_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

const char* on_off(bool b) { return b ? "on" : "off"; }

bool is_microvm(std::string_view machine) { return machine.empty() || machine == "microvm"; }

bool valid_tag(std::string_view tag) {
  return !tag.empty() && tag.size() <= 64 && std::all_of(tag.begin(), tag.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
         });
}

class QemuVmm : public Vmm {
 public:
  explicit QemuVmm(const VmDefaults& d) : defaults_(d) {}

  std::string_view name() const override { return "qemu"; }

  Result<std::vector<std::string>> command(const VmPlan& p) const override {
    TRYV(check(p));
    std::vector<std::string> a;
    auto add = [&a](std::initializer_list<std::string> args) { a.insert(a.end(), args); };
    a.push_back(binary(p.arch));
    add({"-M", machine(p), "-accel", p.accel == Accel::kvm ? "kvm" : "tcg"});
    if (std::string cpu = cpu_model(p); !cpu.empty()) add({"-cpu", cpu});
    add({"-m", std::to_string(p.memory_mib), "-smp", std::to_string(p.vcpus)});
    add({"-nodefaults", "-no-user-config", "-nographic"});
    if (p.console == Console::serial_terminal)
      add({"-chardev", "stdio,id=con0,signal=off", "-serial", "chardev:con0"});
    else
      add({"-serial", "stdio"});
    a.push_back("-no-reboot");
    if (p.debug_exit) {
      if (p.arch == GuestArch::aarch64)
        a.push_back("-semihosting");
      else
        add({"-device", "isa-debug-exit,iobase=0xf4,iosize=4"});
    }
    if (p.modern_virtio) add({"-global", "virtio-mmio.force-legacy=off"});
    add({"-kernel", p.kernel});
    if (!p.initrd.empty()) add({"-initrd", p.initrd});
    if (!p.cmdline.empty()) add({"-append", p.cmdline});
    std::string bus = virtio_bus(p);
    for (size_t i = 0; i < p.shares.size(); ++i) {
      const Share& s = p.shares[i];
      std::string id = "fs" + std::to_string(i);
      add({"-fsdev", "local,id=" + id + ",path=" + opt_escape(s.host_path) + ",security_model=none" +
                         (s.readonly ? ",readonly=on" : ""),
           "-device", "virtio-9p-" + bus + ",fsdev=" + id + ",mount_tag=" + s.tag});
    }
    if (p.net)
      add({"-netdev", "tap,id=n0,fd=" + std::to_string(p.net->tap_fd), "-device",
           "virtio-net-" + bus + ",netdev=n0,mac=" + p.net->mac});
    if (!p.qmp_socket.empty()) add({"-qmp", "unix:" + opt_escape(p.qmp_socket) + ",server=on,wait=off"});
    if (p.sandbox) add({"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"});
    return a;
  }

  VmExit decode_exit(int ws, const VmPlan& p, const ExitEvidence& ev) const override {
    if (WIFSIGNALED(ws)) {
      int sig = WTERMSIG(ws);
      return {ExitHow::signal, 128 + sig, "the VMM was killed by signal " + std::to_string(sig)};
    }
    if (!WIFEXITED(ws)) return {ExitHow::vmm_error, kNoStatusExitCode, "the VMM stopped in an unexpected way"};
    int status = WEXITSTATUS(ws);
    if (!ev.guest_started && status != 0)
      return {ExitHow::vmm_error, status,
              "the VMM failed before the guest started (exit status " + std::to_string(status) + ")"};
    if (ev.guest_panicked || ev.shutdown_reason == "guest-panic")
      return {ExitHow::guest_panic, kNoStatusExitCode, "the guest panicked"};
    if (p.debug_exit && p.arch == GuestArch::aarch64 && status != 0)
      return {ExitHow::debug_exit, status, ""};  // semihosting SYS_EXIT: the code itself
    // isa-debug-exit: QEMU exits with (value << 1) | 1, which its own errors (status 1 at
    // startup) share only for value 0; guest_started tells those apart.
    if (p.debug_exit && p.arch != GuestArch::aarch64 && (status & 1))
      return {ExitHow::debug_exit, status >> 1, ""};
    if (status != 0)
      return {ExitHow::vmm_error, status, "the VMM exited with status " + std::to_string(status)};
    // Exit 0: QEMU ended the VM itself; the QMP reason says why.
    if (ev.shutdown_reason == "guest-reset")
      return {ExitHow::guest_reset, kNoStatusExitCode, "the guest reset (a triple fault or a reboot request)"};
    if (ev.shutdown_reason == "host-signal" || (ev.shutdown_reason.empty() && ev.signal_sent)) {
      int sig = ev.signal_sent ? ev.signal_sent : 15;  // QEMU exits 0 on SIGTERM, SIGINT and SIGHUP
      return {ExitHow::signal, 128 + sig, "the VMM was stopped by signal " + std::to_string(sig)};
    }
    if (p.poweroff_is_no_status)
      return {ExitHow::no_status, kNoStatusExitCode, "the guest stopped without reporting an exit status"};
    return {ExitHow::poweroff, 0, ""};
  }

 private:
  Result<void> check(const VmPlan& p) const {
    if (p.arch == GuestArch::unknown) return fail_user("qemu: cannot boot a guest of unknown architecture");
    if (p.arch == GuestArch::aarch64 && defaults_.qemu_aarch64.empty())
      return fail_user("qemu: no qemu-system-aarch64 is configured for aarch64 guests");
    if (p.accel == Accel::automatic) return fail_user("qemu: the accelerator was not resolved (auto)");
    if (p.kernel.empty()) return fail_user("qemu: no kernel to boot");
    if (p.vcpus == 0 || p.memory_mib == 0) return fail_user("qemu: a VM needs at least one vCPU and some memory");
    // QEMU splits -initrd at commas into multiboot modules.
    if (p.initrd.find(',') != std::string::npos) return fail_user("qemu: an initrd path must not contain a comma");
    for (const Share& s : p.shares) {
      if (!valid_tag(s.tag)) return fail_user("qemu: share tag \"" + s.tag + "\" is not a plain name");
      if (s.host_path.empty()) return fail_user("qemu: share " + s.tag + " has no host path");
    }
    if (p.net && p.net->tap_fd < 0) return fail_user("qemu: the NIC has no tap fd");
    if (p.net && !valid_mac(p.net->mac)) return fail_user("qemu: \"" + p.net->mac + "\" is not a MAC address");
    return {};
  }

  const std::string& binary(GuestArch arch) const {
    return arch == GuestArch::aarch64 ? defaults_.qemu_aarch64 : defaults_.qemu_x86_64;
  }

  static std::string machine(const VmPlan& p) {
    if (p.arch == GuestArch::aarch64) return p.machine.empty() ? "virt" : p.machine;
    if (!is_microvm(p.machine)) return p.machine;
    std::string m = std::string("microvm,x-option-roms=off,pit=") + on_off(p.legacy_devices) +
                    ",pic=" + on_off(p.legacy_devices) + ",rtc=" + on_off(p.rtc) + ",acpi=" + on_off(p.acpi);
    if (!p.mmio_on_cmdline) m += ",auto-kernel-cmdline=off";
    return m;
  }

  // microvm and virt have virtio-mmio; the PC machines have PCI.
  static std::string virtio_bus(const VmPlan& p) {
    bool mmio = p.arch == GuestArch::aarch64 ? p.machine.empty() || p.machine.starts_with("virt")
                                             : is_microvm(p.machine) || p.machine.starts_with("microvm,");
    return mmio ? "device" : "pci";
  }

  // `-cpu host` aborts under kvm_pvm unless arch-capabilities is masked (shared/HOST.md);
  // masking it costs nothing on hardware KVM.
  static std::string cpu_model(const VmPlan& p) {
    if (!p.cpu_model.empty()) return p.cpu_model;
    if (p.arch == GuestArch::aarch64) return p.accel == Accel::kvm ? "host" : "max";
    return p.accel == Accel::kvm ? "host,-arch-capabilities" : "";
  }

  VmDefaults defaults_;
};

}  // namespace

std::unique_ptr<Vmm> make_qemu(const VmDefaults& defaults) { return std::make_unique<QemuVmm>(defaults); }

Result<std::unique_ptr<Vmm>> make_vmm(std::string_view name, const VmDefaults& defaults) {
  if (name == "qemu") return make_qemu(defaults);
  return fail_user("unknown VMM \"" + std::string(name) + "\" (this build of runz has qemu)");
}

}  // namespace runz::backends::vm
