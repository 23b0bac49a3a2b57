// Running a host tool (the jailhouse CLI, a VMM asked for its version) and turning a failure into one line that names
// the command and what the tool said: `jailhouse cell create x.cell: JAILHOUSE_CELL_CREATE: Device or resource busy`.
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace runz::backends {

// Runs argv (argv[0] absolute) with stdin from /dev/null, stdout and stderr captured, the
// signal mask cleared. Succeeds on exit 0; else the error is
// "<display> <args...>: <the tool's last output line>" (or how it ended).
// `display` names the tool in messages ("jailhouse").
Result<std::string> run_tool(const std::vector<std::string>& argv, const std::string& display);

}  // namespace runz::backends
