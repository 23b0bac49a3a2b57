// The VM settings of one container: host defaults (runz.toml), then the OCI resources
// (CPU quota/cpuset → vCPUs, memory limit → guest RAM), then the runz.vm.* annotations.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "backends/resource_hints.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

enum class Accel { automatic, kvm, tcg };
enum class NetMode { automatic, none, tap };

std::string_view to_string(Accel accel);
std::string_view to_string(NetMode mode);
// "auto" | "kvm" | "tcg"; for runz.toml and the annotation alike.
std::optional<Accel> parse_accel(std::string_view text);

// Host-wide defaults; the runz.toml loader fills these.
struct VmDefaults {
  std::string qemu_x86_64 = "qemu-system-x86_64";
  std::string qemu_aarch64 = "qemu-system-aarch64";
  Accel accel = Accel::automatic;
  unsigned vcpus = 1;
  uint64_t memory_mib = 128;
  uint64_t vmm_overhead_mib = 48;  // what QEMU itself needs inside the memory limit (RSS ~40 MiB)
  uint64_t min_guest_mib = 16;
  std::string linux_kernel;   // guest kernel for Linux guests
  std::string linux_modules;  // its modules (for the initramfs)
  std::string hermit_loader;  // the Hermit loader booted as kernel for Hermit apps
  std::string guest_init;     // our static init for Linux guests
  unsigned shutdown_timeout_s = 10;
};

// From linux.resources (one struct for the vm and partition kinds).
using ResourceHints = backends::ResourceHints;

struct VmSettings {
  std::string vmm = "qemu";
  Accel accel = Accel::automatic;
  unsigned vcpus = 1;
  uint64_t memory_mib = 128;
  std::string extra_cmdline;
  std::string machine;  // "" = the guest kind's choice
  NetMode net = NetMode::automatic;
  // After a stop signal asked the guest to power off, how long before the VMM is killed.
  std::chrono::milliseconds shutdown_timeout{10000};
};

Result<VmSettings> vm_settings(const std::map<std::string, std::string>& annotations, const VmDefaults& host_defaults,
                               const ResourceHints& hints);

// Pieces of the above, exposed for runz.toml and tests.
Result<uint64_t> parse_memory_mib(std::string_view text);  // "128M", "1G", "512" (MiB), "64MiB"
Result<unsigned> count_cpuset(std::string_view cpus);       // "0-2,5" -> 4

}  // namespace runz::backends::vm
