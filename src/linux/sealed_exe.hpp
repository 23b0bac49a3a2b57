// CVE-2019-5736 class: the runtime process that becomes (or enters) a container must not
// run from the host's runz binary, or a container process could open /proc/<pid>/exe and
// overwrite it. Before forking into a container, runz re-executes itself from a sealed,
// read-only memfd copy of its own binary.
#pragma once

#include "util/result.hpp"

namespace runz::linux {

// True when /proc/self/exe is a memfd with write, grow, shrink and seal seals set.
bool running_from_sealed_copy();
// When not already sealed: copy /proc/self/exe into a sealed memfd and fexecve it with the
// same argv and environment. Returns only on failure.
Result<void> reexec_from_sealed_copy(char** argv, char** envp);

}  // namespace runz::linux
