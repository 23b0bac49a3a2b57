// The init of a vm container (DESIGN.md: the VMM is the container's workload): runs the VMM
// as its child, turns the container's signals into guest power-off, and exits with the
// guest's status.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace runz::backends::vm {

// How the VMM ended, in terms of the container's exit status.
struct GuestEnd {
  int code = 0;
  std::string message;  // for the container's stderr (docker logs); "" when all is well
};

struct MonitorPlan {
  // The VMM command line; argv[0] is absolute. The QMP control channel is the VMM's fd 3
  // (a connected socket), e.g. `-chardev socket,id=qmp,fd=3,server=off -mon chardev=qmp,mode=control`.
  std::vector<std::string> argv;
  // After a stop signal asked the guest to power off: how long before the VMM is killed.
  std::chrono::milliseconds shutdown_timeout{10000};
  // The container's status from the VMM's wait status and the last QMP SHUTDOWN reason
  // ("" if none was seen: guest-shutdown, guest-reset, guest-panic, host-signal, ...).
  std::function<GuestEnd(int wait_status, const std::string& shutdown_reason)> decode;
};

inline constexpr int kQmpFd = 3;

// Never returns to the caller's logic: the result is the container's exit status.
int run_vm_monitor(const MonitorPlan& plan);

// The `reason` of a QMP SHUTDOWN event line, or "" if `line` is not one.
std::string shutdown_reason(const std::string& qmp_line);

}  // namespace runz::backends::vm
