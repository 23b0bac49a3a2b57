// A vm container's network: the interface CNI or docker put into the container's network
// namespace is handed over to the guest. Run by the monitor at start, inside that
// namespace with CAP_NET_ADMIN: a tap is created and joined to the interface by tc mirred
// redirects (both directions), and the interface's IPv4 address moves to the guest (it is
// removed from the interface; the guest configures it from GuestNetConfig). The guest's
// NIC takes the interface's MAC, so peers that learnt it keep reaching the guest.
//
// The tap is not persistent: it disappears with the last fd to it, i.e. when the VMM
// exits or is killed; nothing needs removing on delete and no host-wide sweep is needed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "backends/vm/guest_net_config.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

// "tap" + 10 hex digits of a hash of the container id: per container, at most 13
// characters (an interface name holds 15).
std::string tap_name_for(std::string_view container_id);

struct AttachedNic {
  Fd tap;                  // the tap's queue fd, for `-netdev tap,fd=N`
  std::string tap_name;
  std::string host_interface;  // the interface it is joined to, e.g. "eth0"
  GuestNetConfig config;       // what the guest must configure
};

// nullopt when the namespace has no interface to hand over (up, not loopback, with a MAC
// and an IPv4 address): the guest then gets no NIC.
Result<std::optional<AttachedNic>> attach_guest_network(const std::string& tap_name);

}  // namespace runz::backends::vm
