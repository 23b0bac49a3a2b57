// Signal names and numbers as runc accepts them: 9, KILL, SIGKILL, sigkill, RTMIN+3.
#pragma once

#include <string_view>

#include "util/result.hpp"

namespace runz::linux {

Result<int> parse_signal(std::string_view text);

}  // namespace runz::linux
