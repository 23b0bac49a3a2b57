// `ps --format table`: run the host's ps and keep the container's lines, as runc does.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace runz::core {

// The header line of ps output plus each line whose PID column holds one of `pids`.
// Fails when the header has no PID column or a kept line's PID is not a number.
Result<std::string> filter_ps_output(std::string_view output, const std::vector<pid_t>& pids);

// Run `ps ARGS...` (found on PATH) and return its stdout; its stderr goes into the error
// when it fails.
Result<std::string> run_ps(const std::vector<std::string>& args);

}  // namespace runz::core
