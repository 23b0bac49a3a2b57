// The foreground side of `run` and `exec`: we are the container process's parent (or
// subreaper); forward signals to it, relay its terminal, return its exit status.
#pragma once

#include <sys/types.h>

#include "util/result.hpp"

namespace runz::core {

// master: the pty master when the process has a terminal, else -1.
Result<int> foreground(pid_t pid, int master);

}  // namespace runz::core
