#include "backends/vm/vm_plan.hpp"

namespace runz::backends::vm {

Result<PlannedVm> plan_vm(const GuestInputs& in, const VmSettings& s, const VmDefaults& d, const AccelProbe& probe) {
  PlannedVm out;
  out.family = family_for(in.image);
  VmPlan& p = out.plan;
  p.arch = in.image.arch;
  if (in.image.format == GuestFormat::not_a_guest) {
    // A Linux program runs inside a guest kernel of the host's architecture.
    p.arch = host_arch();
    GuestArch prog = in.image.arch;
    bool runs = prog == GuestArch::unknown || prog == p.arch || (p.arch == GuestArch::x86_64 && prog == GuestArch::i386);
    if (!runs)
      return fail_user(in.image_path + " is an " + std::string(to_string(prog)) + " program and the Linux guest is " +
                       std::string(to_string(p.arch)));
  }
  if (p.arch == GuestArch::unknown)
    return fail_user("guest image " + in.image_path + ": unknown architecture (ELF e_machine)");
  TRY(p.accel, choose_accel(s.accel, probe, p.arch, &out.accel_reason));
  p.vcpus = s.vcpus;
  p.memory_mib = s.memory_mib;
  TRYV(make_guest_kind(out.family)->contribute(p, in, s, d));
  if (!s.machine.empty()) p.machine = s.machine;  // the user's machine wins over the kind's switches
  return out;
}

}  // namespace runz::backends::vm
