// `runz run`: create and start, then (unless detached) stay in the foreground as the
// container's parent: forward signals, relay a terminal, return its exit status.
#pragma once

#include "core/runtime.hpp"

namespace runz::core {

struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;  // keep the stopped container (do not delete it after exit)
};

Result<int> run_container(Runtime& runtime, const RunOptions& options);

}  // namespace runz::core
