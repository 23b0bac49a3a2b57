// Which accelerator a VM gets. KVM is fast only when hardware-backed (kvm_intel, kvm_amd);
// kvm_pvm (software virtualization inside a VM, as on our CI hosts) emulates guest ring-0
// code so slowly that TCG is the better choice for guest kernels (see shared/HOST.md).
#pragma once

#include <string>

#include "backends/vm/guest_image.hpp"
#include "backends/vm/vm_settings.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

struct AccelProbe {
  bool kvm_device = false;    // <root>/dev/kvm opens read-write
  bool kvm_hardware = false;  // kvm_intel or kvm_amd is loaded
  std::string kvm_module;     // "kvm_intel", "kvm_amd", "kvm_pvm" or ""
};

// Looks at <sys_root>/dev/kvm and <sys_root>/sys/module; a fake root in tests.
AccelProbe probe_accel(const std::string& sys_root = "/");

// The architecture runz itself runs on (what KVM can run).
GuestArch host_arch();

// Resolve `requested` to kvm or tcg for a guest. *why (when given) says why auto chose
// what it chose, for logs and `runz check`. An explicit kvm the host cannot give fails.
Result<Accel> choose_accel(Accel requested, const AccelProbe& probe, GuestArch guest, std::string* why = nullptr);

}  // namespace runz::backends::vm
