#include "backends/vm/accel.hpp"

#include <fcntl.h>

#include "util/fs.hpp"

namespace runz::backends::vm {

AccelProbe probe_accel(const std::string& sys_root) {
  AccelProbe p;
  p.kvm_device = open_fd(path_join(sys_root, "dev/kvm"), O_RDWR | O_CLOEXEC).has_value();
  for (const char* module : {"kvm_intel", "kvm_amd", "kvm_pvm"}) {
    if (!path_exists(path_join(sys_root, std::string("sys/module/") + module))) continue;
    p.kvm_module = module;
    p.kvm_hardware = p.kvm_module != "kvm_pvm";
    break;
  }
  return p;
}

GuestArch host_arch() {
#if defined(__x86_64__)
  return GuestArch::x86_64;
#elif defined(__aarch64__)
  return GuestArch::aarch64;
#elif defined(__i386__)
  return GuestArch::i386;
#else
  return GuestArch::unknown;
#endif
}

namespace {

// KVM on an x86_64 host runs 32-bit x86 guests too.
bool kvm_can_run(GuestArch host, GuestArch guest) {
  if (guest == host) return host != GuestArch::unknown;
  return host == GuestArch::x86_64 && guest == GuestArch::i386;
}

std::string kvm_kind(const AccelProbe& p) {
  return p.kvm_module.empty() ? "an unknown KVM module" : p.kvm_module;
}

}  // namespace

Result<Accel> choose_accel(Accel requested, const AccelProbe& probe, GuestArch guest, std::string* why) {
  auto say = [&](std::string text) {
    if (why) *why = std::move(text);
  };
  GuestArch host = host_arch();
  bool same_arch = kvm_can_run(host, guest);
  switch (requested) {
    case Accel::tcg:
      say("tcg was asked for");
      return Accel::tcg;
    case Accel::kvm:
      if (!probe.kvm_device) return fail_user("accelerator kvm was asked for but /dev/kvm cannot be opened");
      if (!same_arch)
        return fail_user("accelerator kvm cannot run " + std::string(to_string(guest)) + " guests on this " +
                         std::string(to_string(host)) + " host");
      say("kvm was asked for (" + kvm_kind(probe) + ")");
      return Accel::kvm;
    case Accel::automatic:
      break;
  }
  if (!probe.kvm_device) {
    say("no usable /dev/kvm, using TCG");
  } else if (!same_arch) {
    say("the guest is " + std::string(to_string(guest)) + ", the host " + std::string(to_string(host)) +
        ": using TCG");
  } else if (!probe.kvm_hardware) {
    say("kvm is " + kvm_kind(probe) + " (software), TCG is faster for guest kernels");
  } else {
    say("kvm is hardware-backed (" + probe.kvm_module + ")");
    return Accel::kvm;
  }
  return Accel::tcg;
}

}  // namespace runz::backends::vm
