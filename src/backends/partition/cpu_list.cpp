#include "backends/partition/cpu_list.hpp"

#include "util/strings.hpp"

namespace runz::backends::partition {

namespace {

constexpr unsigned kMaxCpu = 4096;  // a bound so "0-4000000000" cannot eat memory

Result<unsigned> parse_cpu(std::string_view part, std::string_view text) {
  auto n = parse_uint(part);
  if (!n || *n >= kMaxCpu) return fail_user("bad CPU list \"" + std::string(text) + "\": \"" + std::string(part) + "\" is not a CPU number");
  return static_cast<unsigned>(*n);
}

}  // namespace

Result<CpuSet> parse_cpu_list(std::string_view text) {
  CpuSet out;
  if (trim(text).empty()) return fail_user("bad CPU list \"" + std::string(text) + "\": empty");
  for (const auto& item : split(text, ',')) {
    auto dash = item.find('-');
    TRY(unsigned first, parse_cpu(item.substr(0, dash), text));
    unsigned last = first;
    if (dash != std::string::npos) {
      TRY(last, parse_cpu(item.substr(dash + 1), text));
      if (last < first) return fail_user("bad CPU list \"" + std::string(text) + "\": range \"" + std::string(trim(item)) + "\" goes down");
    }
    for (unsigned c = first; c <= last; ++c) out.insert(c);
  }
  return out;
}

std::string format_cpu_list(const CpuSet& cpus) {
  std::string out;
  for (auto it = cpus.begin(); it != cpus.end();) {
    unsigned first = *it, last = first;
    for (++it; it != cpus.end() && *it == last + 1; ++it) last = *it;
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) {
      out += '-';
      out += std::to_string(last);
    }
  }
  return out;
}

}  // namespace runz::backends::partition
