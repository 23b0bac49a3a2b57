// The init of a vm container (DESIGN.md: the VMM is the container's workload): runs the VMM
// as its child, turns the container's signals into guest power-off, and exits with the
// guest's status.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <optional>
#include <vector>

#include "backends/vm/guest_net_config.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

// How the VMM ended, in terms of the container's exit status.
struct GuestEnd {
  int code = 0;
  std::string message;  // for the container's stderr (docker logs); "" when all is well
};

// What the VMM said on its QMP channel before it exited.
struct QmpSeen {
  bool greeted = false;         // QEMU got as far as its main loop (the guest was loaded)
  std::string shutdown_reason;  // of the last SHUTDOWN event: guest-shutdown, guest-reset, host-signal, ...
  bool panicked = false;        // a GUEST_PANICKED event
};

// The guest's network, set up by the monitor at start (guest_network.hpp): by then it is
// in the container's network namespace and CNI or docker have configured it.
struct MonitorNetwork {
  std::string tap_name;  // tap_name_for(container id)
  bool required = false;  // runz.vm.network=tap: no interface to hand over fails the start
  // The VMM command line for a guest with this network, its tap being the VMM's fd `tap_fd`.
  std::function<Result<std::vector<std::string>>(const GuestNetConfig& net, int tap_fd)> argv_with_nic;
};

struct MonitorPlan {
  // The VMM command line; argv[0] is absolute. The VMM starts paused (QEMU's -S) with its
  // QMP control channel on fd 3 (a connected socket: `-chardev socket,id=qmp,fd=3,server=off
  // -mon chardev=qmp,mode=control`); the monitor negotiates QMP, then lets the guest run.
  std::vector<std::string> argv;
  // Files of the image the VMM reads (the guest kernel, a Hermit app): opened inside
  // `rootfs` (no symlink or ".." leads out) when the VM starts, and handed to the VMM as
  // fds kFirstFileFd, kFirstFileFd + 1, ...: argv names them /proc/self/fd/N.
  std::string rootfs;
  std::vector<std::string> rootfs_files;
  // Set when the guest may get a NIC (a network mode other than none, a guest with a NIC
  // driver); else argv runs as it is.
  std::optional<MonitorNetwork> network;
  // Capabilities (numbers) the monitor holds for itself and the VMM must not get (the
  // network setup's CAP_NET_ADMIN): dropped in the VMM's process before the exec.
  std::vector<int> monitor_only_capabilities;
  // After a stop signal asked the guest to power off: how long before the VMM is killed.
  std::chrono::milliseconds shutdown_timeout{10000};
  // The container's status from the VMM's wait status and what QMP told.
  std::function<GuestEnd(int wait_status, const QmpSeen& seen)> decode;
};

inline constexpr int kQmpFd = 3;
inline constexpr int kFirstFileFd = 4;

// Never returns to the caller's logic: the result is the container's exit status.
int run_vm_monitor(const MonitorPlan& plan);

// Fold one line of the QMP channel into what was seen.
void note_qmp_line(const std::string& qmp_line, QmpSeen& seen);

}  // namespace runz::backends::vm
