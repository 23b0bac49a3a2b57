// `runz exec`: a new process in a running container, foreground or detached.
#pragma once

#include "core/runtime.hpp"

namespace runz::core {

Result<int> exec_container(Runtime& runtime, const ExecOptions& options, bool detach);

}  // namespace runz::core
