// The host's TSC frequency, for Linux guests' tsc_early_khz= (without it TSC calibration
// sometimes fails under TCG and the boot hangs; shared/HOST.md) and Hermit's -freq.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace runz::backends::vm {

// <root>/sys/devices/system/cpu/cpu0/tsc_freq_khz when the kernel offers it, else the
// "cpu MHz" of <root>/proc/cpuinfo when the TSC is constant (then it is the TSC rate).
std::optional<uint64_t> host_tsc_khz(const std::string& root = "/");

}  // namespace runz::backends::vm
