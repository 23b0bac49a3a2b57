// Kernel modules a Linux guest must load before it can mount its root over virtio-9p
// (Debian's amd64 kernel builds virtio-mmio and 9p as modules).
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace runz::backends::vm {

// What the guest init needs for a 9p root on the microvm machine, in load order.
inline const std::vector<std::string> kGuest9pModules = {"virtio_mmio", "9pnet_virtio", "9p"};
// And for its NIC (when the container may have a network): virtio_net needs net_failover
// and failover, which find_guest_modules adds.
inline const std::vector<std::string> kGuestNetModules = {"virtio_net"};
// The ACPI power button as an input device: how a stop signal reaches the guest's process.
inline const std::vector<std::string> kGuestPowerButtonModules = {"button", "evdev"};

// Resolve module names ('-' and '_' alike) to the .ko files under modules_dir (a kernel's
// lib/modules/<version>), dependencies first, each once. Dependencies come from
// modules.dep when the directory has one (depmod ran), else from each module's .modinfo
// "depends=" (a Debian package unpacked with dpkg-deb has no modules.dep). Modules built
// into the kernel (modules.builtin) are left out. Compressed modules are refused.
Result<std::vector<std::string>> find_guest_modules(const std::string& modules_dir,
                                                    const std::vector<std::string>& names);

// The "depends=" list of a module file's .modinfo section (empty when it has none).
Result<std::vector<std::string>> read_module_depends(const std::string& ko_path);

}  // namespace runz::backends::vm
