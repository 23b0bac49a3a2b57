#include "util/size.hpp"

#include <cctype>
#include <cstdlib>
#include <limits>
#include <string>

namespace runz {

Result<int64_t> parse_ram_in_bytes(std::string_view text) {
  std::string_view s = text;
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
  };
  if (digits() == 0) return fail_user("invalid size: '" + std::string(text) + "'");
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return fail_user("invalid size: '" + std::string(text) + "'");
  }
  std::string number(s.substr(0, i));
  if (i < s.size() && s[i] == ' ') ++i;
  double mul = 1;
  if (i < s.size()) {
    switch (std::tolower(static_cast<unsigned char>(s[i]))) {
      case 'k': mul = 1024.0; break;
      case 'm': mul = 1024.0 * 1024; break;
      case 'g': mul = 1024.0 * 1024 * 1024; break;
      case 't': mul = 1024.0 * 1024 * 1024 * 1024; break;
      case 'p': mul = 1024.0 * 1024 * 1024 * 1024 * 1024; break;
      default: mul = 0;
    }
    if (mul != 0) ++i;
    else mul = 1;
  }
  if (i < s.size() && (s[i] == 'i' || s[i] == 'I')) ++i;
  if (i < s.size() && (s[i] == 'b' || s[i] == 'B')) ++i;
  if (i != s.size()) return fail_user("invalid size: '" + std::string(text) + "'");
  double bytes = std::strtod(number.c_str(), nullptr) * mul;
  if (!(bytes < static_cast<double>(std::numeric_limits<int64_t>::max())))
    return fail_user("invalid size: '" + std::string(text) + "' is too large");
  return static_cast<int64_t>(bytes);
}

}  // namespace runz
