#include "util/duration.hpp"

#include <cmath>
#include <cstdlib>
#include <string>
#include <cstdint>
#include <limits>

namespace runz {
namespace {

// Nanoseconds per unit; the longest match first (ms before m).
struct Unit {
  std::string_view name;
  double ns;
};
constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3}, {"ms", 1e6},
                           {"s", 1e9}, {"m", 60e9},  {"h", 3600e9}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  double total = 0;
  while (!s.empty()) {
    // [0-9]*(\.[0-9]*)? with at least one digit
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    size_t int_digits = i;
    size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t start = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      frac_digits = i - start;
    }
    if (int_digits + frac_digits == 0) return std::nullopt;
    double value = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (auto& u : kUnits)
      if (s.starts_with(u.name) && (!unit || u.name.size() > unit->name.size())) unit = &u;
    if (!unit) return std::nullopt;  // a unit is required after every number
    s.remove_prefix(unit->name.size());
    total += value * unit->ns;
  }
  if (total > static_cast<double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  auto ns = static_cast<int64_t>(std::llround(total));
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

}  // namespace runz
