#include "backends/vm/host_tsc.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {

namespace {

// "2596.136" -> 2596136 (kHz), without floating point.
std::optional<uint64_t> mhz_to_khz(std::string_view text) {
  text = trim(text);
  size_t dot = text.find('.');
  auto whole = parse_uint(text.substr(0, dot));
  if (!whole || *whole > 1000000) return std::nullopt;
  uint64_t khz = *whole * 1000;
  if (dot != std::string_view::npos) {
    std::string frac(text.substr(dot + 1, 3));
    if (frac.empty() || frac.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    frac.resize(3, '0');
    khz += *parse_uint(frac);
  }
  return khz ? std::optional<uint64_t>(khz) : std::nullopt;
}

// The value of the first "key : value" line of /proc/cpuinfo with this key.
std::optional<std::string_view> cpuinfo_field(std::string_view cpuinfo, std::string_view key) {
  for (size_t at = 0; at < cpuinfo.size();) {
    size_t end = cpuinfo.find('\n', at);
    std::string_view line = cpuinfo.substr(at, end == std::string_view::npos ? end : end - at);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && trim(line.substr(0, colon)) == key) return line.substr(colon + 1);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> host_tsc_khz(const std::string& root) {
  if (auto khz = read_file(path_join(root, "sys/devices/system/cpu/cpu0/tsc_freq_khz")); khz) {
    auto v = parse_uint(trim(*khz));
    if (v && *v > 0) return v;
  }
  auto cpuinfo = read_file(path_join(root, "proc/cpuinfo"));
  if (!cpuinfo) return std::nullopt;
  auto flags = cpuinfo_field(*cpuinfo, "flags");
  if (!flags) return std::nullopt;
  bool constant = false;
  for (const auto& f : split(trim(*flags), ' ')) constant = constant || f == "constant_tsc";
  auto mhz = cpuinfo_field(*cpuinfo, "cpu MHz");
  if (!constant || !mhz) return std::nullopt;
  return mhz_to_khz(*mhz);
}

}  // namespace runz::backends::vm
