// Traffic-control plumbing that joins two interfaces back to back: every frame arriving
// on one is sent out of the other (an ingress qdisc, a match-all u32 filter and a mirred
// egress redirect action), the way Kata joins a container's veth to a VM's tap.
#pragma once

#include "linux/netlink.hpp"
#include "util/result.hpp"

namespace runz::linux {

// Frames received on `from` are transmitted on `to` (and no longer reach `from`'s stack).
Result<void> redirect_ingress(Rtnetlink& nl, unsigned from_index, unsigned to_index);

}  // namespace runz::linux
