// Tap devices for VMMs: the host end of a guest's virtio NIC.
#pragma once

#include <string>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::linux {

// Create the tap `name` in the caller's network namespace and return its queue fd
// (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, as QEMU's `-netdev tap,fd=` wants it). The tap is
// not persistent: it vanishes when the last fd to it closes, so a VMM killed by SIGKILL
// leaves nothing behind. Needs CAP_NET_ADMIN; fails if `name` exists.
Result<Fd> create_tap(const std::string& name);

}  // namespace runz::linux
