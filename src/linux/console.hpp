// A pseudo-terminal for process.terminal: the master goes to the console socket, the
// slave becomes the process's controlling terminal and stdio.
#pragma once

#include <optional>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

// In the container (after pivot): open /dev/ptmx, size it, send the master over
// console_socket, make the slave our controlling terminal and fds 0-2.
// With dev_console (the container's init, not exec), also bind the pty to /dev/console.
Result<void> setup_console(int console_socket, const std::optional<oci::ConsoleSize>& size, uint32_t uid,
                           bool dev_console);

}  // namespace runz::linux
