// A guest family: what it contributes to a VmPlan (kernel, initrd, command line, machine
// switches, how it reports its exit) from the OCI process, the rootfs and the settings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/vm/guest_image.hpp"
#include "backends/vm/guest_net_config.hpp"
#include "backends/vm/vm_settings.hpp"
#include "backends/vm/vmm.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

enum class GuestFamily {
  baremetal,  // PVH or multiboot kernels: the image is the kernel, args are its command line
  hermit,     // Hermit apps: the Hermit loader is the kernel, the app its initrd (runh's way)
  linux,      // a Linux guest kernel; the container's rootfs over 9p, our init runs process.args
};

std::string_view to_string(GuestFamily family);
// A Linux kernel image or an ordinary Linux program (run inside a Linux guest) is linux.
GuestFamily family_for(const GuestImage& image);

// What the caller knows about the container.
struct GuestInputs {
  GuestImage image;               // process.args[0], inspected
  std::string image_path;         // its host path, resolved safely inside the rootfs
  std::vector<std::string> args;  // process.args
  std::vector<std::string> env;   // process.env, "K=V"
  std::string rootfs;             // host path of the rootfs (linux: shared as 9p tag "rootfs")
  bool rootfs_readonly = false;
  std::string initrd;                // linux: the initramfs with our init, built by the caller
  std::optional<uint64_t> tsc_khz;  // host_tsc_khz()
};

class GuestKind {
 public:
  virtual ~GuestKind() = default;
  virtual GuestFamily family() const = 0;
  // Set kernel, initrd, cmdline, the microvm switches and the exit reporting. plan.arch and
  // plan.accel must be set already (Hermit picks its CPU model by accelerator).
  virtual Result<void> contribute(VmPlan& plan, const GuestInputs& in, const VmSettings& settings,
                                  const VmDefaults& defaults) const = 0;
  // Whether the guest drives a virtio NIC; a guest without a driver is given none.
  virtual bool has_nic_driver() const { return false; }
  // Tell the guest its network (through plan.cmdline), once the monitor attached its NIC.
  virtual Result<void> configure_network(VmPlan& plan, const GuestNetConfig& net) const;
};

std::unique_ptr<GuestKind> make_guest_kind(GuestFamily family);

// Command-line quoting. Linux style: a word with blanks in double quotes; a double quote or
// a control character cannot be passed at all.
Result<std::string> kernel_cmdline_words(const std::vector<std::string>& words);
// POSIX shell words (Hermit splits its command line with shell rules).
std::string shell_quote(std::string_view word);

}  // namespace runz::backends::vm
