// cgroup v2 has no devices files: device access is decided by an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. This compiles linux.resources.devices
// into such a program, with the v1 semantics runc and crun give it (a wildcard rule sets
// the default, later rules win over earlier ones).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linux/resources.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::linux {

struct BpfInsn {
  uint8_t code;
  uint8_t regs;  // dst in the low nibble, src in the high one
  int16_t off;
  int32_t imm;
};

// The program for a rule list (pure: unit-testable without root).
std::vector<BpfInsn> compile_device_filter(const std::vector<DeviceRule>& rules);
// Load the program and attach it to the cgroup v2 directory (BPF_F_ALLOW_MULTI).
Result<void> attach_device_filter(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules);

}  // namespace runz::linux
