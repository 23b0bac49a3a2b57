// The host's TSC frequency, for a Linux guest's "tsc_early_khz=": under TCG the guest's
// TSC runs at the host's rate, and the guest's own calibration sometimes fails there and
// hangs the boot (../shared/HOST.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/result.hpp"

namespace runz::backends::vm {

// "cpu MHz" of /proc/cpuinfo, in kHz, only where it is the TSC's rate: the kernel knows
// the TSC frequency (flag tsc_known_freq) and has no APERF/MPERF to report the current
// clock instead (flag aperfmperf) — the case of a VM guest like this host.
std::optional<uint64_t> tsc_khz_from_cpuinfo(std::string_view cpuinfo);
// From /proc/cpuinfo when it is trustworthy, else measured against CLOCK_MONOTONIC_RAW
// over about 20 ms.
Result<uint64_t> host_tsc_khz();

}  // namespace runz::backends::vm
