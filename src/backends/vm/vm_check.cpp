#include "backends/vm/vm_check.hpp"

#include "backends/run_tool.hpp"
#include "backends/vm/accel.hpp"
#include "backends/vm/vm_host_config.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {
namespace {

// First line of `binary --version`, or "" when it does not run.
std::string version_of(const std::string& binary) {
  auto out = run_tool({binary, "--version"}, binary);
  if (!out) return "";
  return std::string(trim(out->substr(0, out->find('\n'))));
}

std::string file_status(const std::string& path) {
  if (path.empty()) return "not configured";
  return path + (path_exists(path) ? "" : " (missing)");
}

}  // namespace

std::string vm_host_report(const HostContext& host) {
  std::string out;
  auto text = host.config_text();
  auto defaults = text ? parse_vm_defaults(*text, host.config_path) : fail(std::move(text.error()));
  if (!defaults) return "vm: host configuration error: " + defaults.error().message + "\n";
  for (auto& [arch, name] : {std::pair{"x86_64", defaults->qemu_x86_64}, {"aarch64", defaults->qemu_aarch64}}) {
    auto path = find_in_path(name);
    std::string v = path ? version_of(*path) : "";
    out += std::string("vm: vmm qemu ") + arch + ": " +
           (path ? *path + (v.empty() ? "" : " (" + v + ")") : name + " not found") + "\n";
  }
  AccelProbe probe = probe_accel();
  out += "vm: accelerator kvm: ";
  if (!probe.kvm_device) out += "unavailable (no usable /dev/kvm)\n";
  else
    out += "available via " + (probe.kvm_module.empty() ? std::string("an unknown module") : probe.kvm_module) +
           (probe.kvm_hardware ? " (hardware-backed, fast)\n" : " (software, slow for guest kernels)\n");
  out += "vm: accelerator tcg: available (QEMU's emulator)\n";
  std::string why;
  auto chosen = choose_accel(defaults->accel, probe, host_arch(), &why);
  out += "vm: accel " + std::string(to_string(defaults->accel)) + " picks " +
         (chosen ? std::string(to_string(*chosen)) + (why.empty() ? "" : ": " + why) : "nothing: " + chosen.error().message) + "\n";
  out += "vm: linux guest kernel: " + file_status(defaults->linux_kernel) + "\n";
  out += "vm: linux guest init: " + file_status(defaults->guest_init) + "\n";
  out += "vm: hermit loader: " + file_status(defaults->hermit_loader) + "\n";
  return out;
}

}  // namespace runz::backends::vm
