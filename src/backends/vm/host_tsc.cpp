#include "backends/vm/host_tsc.hpp"

#include <time.h>
#include <x86intrin.h>

#include <charconv>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {
namespace {

// The value of the first "key : value" line of /proc/cpuinfo with that key.
std::optional<std::string_view> first_field(std::string_view cpuinfo, std::string_view key) {
  while (!cpuinfo.empty()) {
    size_t nl = cpuinfo.find('\n');
    std::string_view line = cpuinfo.substr(0, nl);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && trim(line.substr(0, colon)) == key)
      return trim(line.substr(colon + 1));
    if (nl == std::string_view::npos) break;
    cpuinfo.remove_prefix(nl + 1);
  }
  return std::nullopt;
}

bool has_flag(std::string_view flags, std::string_view flag) {
  for (const auto& f : split(flags, ' '))
    if (f == flag) return true;
  return false;
}

uint64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t measure_tsc_khz() {
  uint64_t t0 = now_ns(), c0 = __rdtsc();
  timespec ms20{0, 20 * 1000 * 1000};
  ::nanosleep(&ms20, nullptr);
  uint64_t t1 = now_ns(), c1 = __rdtsc();
  return (c1 - c0) * 1000000u / (t1 - t0);  // cycles per ms
}

}  // namespace

std::optional<uint64_t> tsc_khz_from_cpuinfo(std::string_view cpuinfo) {
  auto flags = first_field(cpuinfo, "flags");
  auto mhz = first_field(cpuinfo, "cpu MHz");
  if (!flags || !mhz || !has_flag(*flags, "tsc_known_freq") || has_flag(*flags, "aperfmperf"))
    return std::nullopt;
  // "2596.136": integer MHz and up to three decimals, i.e. kHz.
  std::string_view whole = mhz->substr(0, mhz->find('.'));
  std::string_view frac = whole.size() < mhz->size() ? mhz->substr(whole.size() + 1) : "";
  uint64_t w = 0, f = 0;
  if (whole.empty() || frac.size() > 3) return std::nullopt;
  if (std::from_chars(whole.data(), whole.data() + whole.size(), w).ptr != whole.data() + whole.size())
    return std::nullopt;
  if (!frac.empty() &&
      std::from_chars(frac.data(), frac.data() + frac.size(), f).ptr != frac.data() + frac.size())
    return std::nullopt;
  for (size_t i = frac.size(); i < 3; ++i) f *= 10;
  uint64_t khz = w * 1000 + f;
  if (khz == 0) return std::nullopt;
  return khz;
}

Result<uint64_t> host_tsc_khz() {
  if (auto cpuinfo = read_file("/proc/cpuinfo"))
    if (auto khz = tsc_khz_from_cpuinfo(*cpuinfo)) return *khz;
  uint64_t khz = measure_tsc_khz();
  if (khz == 0) return fail_user("cannot measure the host's TSC frequency");
  return khz;
}

}  // namespace runz::backends::vm
