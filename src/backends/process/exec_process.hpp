// `runz exec` for process containers.
#pragma once

#include "backends/backend.hpp"

namespace runz::backends::process {

// We must be a child subreaper, so the new process becomes our child when the helper exits.
Result<pid_t> exec_in_container(const ExecRequest& request);

}  // namespace runz::backends::process
