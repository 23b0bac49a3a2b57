// What every monitor init (vm, partition) shares: which signals mean "stop the workload",
// and how it tells the container's stderr (docker logs) why it ended.
#pragma once

#include <signal.h>

#include <string>

namespace runz::backends {

// Signals that ask a container to stop: the monitor turns them into a power-off / shutdown.
inline constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPWR};

// One line "runz: <text>" on stderr, with a single write (no stdio buffers in a monitor).
void monitor_say(const std::string& text);

}  // namespace runz::backends
