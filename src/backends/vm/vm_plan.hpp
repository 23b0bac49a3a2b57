// One call from "this container" to "this VM": family, architecture, accelerator, sizes and
// the guest kind's kernel/initrd/cmdline. The caller then adds what only it knows (QMP
// socket, console mode, tap) and hands the plan to a Vmm.
#pragma once

#include <string>

#include "backends/vm/accel.hpp"
#include "backends/vm/guest_kind.hpp"
#include "backends/vm/vmm.hpp"

namespace runz::backends::vm {

struct PlannedVm {
  VmPlan plan;
  GuestFamily family = GuestFamily::baremetal;
  std::string accel_reason;  // why this accelerator, for the log and `runz check`
};

Result<PlannedVm> plan_vm(const GuestInputs& in, const VmSettings& settings, const VmDefaults& defaults,
                          const AccelProbe& probe);

}  // namespace runz::backends::vm
