// A VMM driver: turns a VmPlan (what to boot, with what) into the VMM's command line and
// its wait status back into the guest's exit. QEMU is the first driver (qemu.cpp); a
// Firecracker or Cloud Hypervisor driver is one more file implementing Vmm.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/vm/guest_image.hpp"
#include "backends/vm/vm_settings.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

// A host directory the guest mounts over virtio-9p by its tag.
struct Share {
  std::string tag;
  std::string host_path;
  bool readonly = false;
};

// The guest's NIC: a tap device (in the container's network namespace) the VMM gets as an
// open fd, so that it needs no CAP_NET_ADMIN of its own.
struct NetAttachment {
  int tap_fd = -1;  // an fd number in the VMM process
  std::string mac;  // "52:54:00:12:34:56"
};

enum class Console {
  serial_stdio,     // the serial port on the VMM's stdin/stdout; ^C on a tty stops the VMM
  serial_terminal,  // the same for a terminal: ^C and friends go to the guest
};

struct VmPlan {
  GuestArch arch = GuestArch::x86_64;
  Accel accel = Accel::tcg;  // resolved by choose_accel: kvm or tcg, never automatic
  std::string cpu_model;     // "" = the driver's choice for the accelerator
  unsigned vcpus = 1;
  uint64_t memory_mib = 128;
  std::string machine;  // "" or "microvm": microvm with the switches below (virt on arm); else verbatim
  // microvm switches, per guest kind (shared/HOST.md): each legacy device costs ~1 ms.
  bool legacy_devices = false;   // PIT and PIC, for guests that program them
  bool rtc = false;              // the CMOS RTC: Linux boots ~2 s slower without it
  bool acpi = false;             // ACPI: lets system_powerdown ask the guest to power off
  bool mmio_on_cmdline = true;   // announce virtio-mmio devices on the kernel command line (Linux)
  bool modern_virtio = false;    // virtio-mmio version 2 only (Hermit has no legacy virtio)
  std::string kernel;
  std::string initrd;   // "" = none
  std::string cmdline;  // "" = none
  bool debug_exit = true;  // the guest reports its exit code (x86 isa-debug-exit, arm semihosting)
  // A power-off is not the workload's status (Linux guests: our init reports through debug-exit).
  bool poweroff_is_no_status = false;
  Console console = Console::serial_stdio;
  std::vector<Share> shares;
  std::optional<NetAttachment> net;
  std::string qmp_socket;  // "" = no QMP monitor
  bool sandbox = true;     // the VMM's own seccomp sandbox
};

enum class ExitHow {
  debug_exit,   // the guest wrote its code to the exit device
  poweroff,     // the guest powered off cleanly: code 0
  signal,       // the VMM was killed or stopped by a signal: 128+sig
  guest_reset,  // reset or triple fault (ends the VM under -no-reboot)
  guest_panic,  // the guest reported a panic
  no_status,    // stopped without an exit status (a Linux guest powering off)
  vmm_error,    // the VMM itself failed: code = its exit status
};

struct VmExit {
  ExitHow how = ExitHow::vmm_error;
  int code = 0;         // the container's exit code
  std::string message;  // "" for an ordinary exit; else one line for the log
};

// What the monitor knows besides the wait status (from QMP events, its own signalling).
struct ExitEvidence {
  bool guest_started = true;    // false when the VMM died before the guest ran (no QMP greeting)
  std::string shutdown_reason;  // QMP SHUTDOWN "reason": guest-shutdown, guest-reset, host-signal, ...
  bool guest_panicked = false;  // QMP GUEST_PANICKED seen
  int signal_sent = 0;          // the signal the monitor forwarded to the VMM, if any
};

// The code given when a guest stops without a status of its own.
constexpr int kNoStatusExitCode = 255;

class Vmm {
 public:
  virtual ~Vmm() = default;
  virtual std::string_view name() const = 0;
  // argv[0] is the VMM binary (a path or a name for PATH lookup).
  virtual Result<std::vector<std::string>> command(const VmPlan& plan) const = 0;
  virtual VmExit decode_exit(int wait_status, const VmPlan& plan, const ExitEvidence& evidence) const = 0;
  VmExit decode_exit(int wait_status, const VmPlan& plan) const { return decode_exit(wait_status, plan, {}); }
};

std::unique_ptr<Vmm> make_qemu(const VmDefaults& defaults);
// By name (VmSettings::vmm): "qemu".
Result<std::unique_ptr<Vmm>> make_vmm(std::string_view name, const VmDefaults& defaults);

}  // namespace runz::backends::vm
