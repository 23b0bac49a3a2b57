// The IPv4 view of the caller's network namespace (what CNI or docker configured in it),
// and the few changes runz makes to it when it hands an interface over to a VM guest.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linux/netlink.hpp"
#include "util/result.hpp"

namespace runz::linux {

struct Ipv4Interface {
  std::string name;
  unsigned index = 0;
  std::string mac;  // "aa:bb:cc:dd:ee:ff"; "" for an interface without one
  in_addr address{};
  unsigned prefix = 0;  // 24 for 255.255.255.0
  unsigned mtu = 1500;
};

// Up, not loopback, with an IPv4 address (the first address of each), in kernel order.
Result<std::vector<Ipv4Interface>> ipv4_interfaces();

// The gateway of the default IPv4 route through `ifname`, from /proc/net/route (the
// caller's netns); nullopt when there is none.
Result<std::optional<in_addr>> default_ipv4_gateway(const std::string& ifname);
// The parser behind it (tests): the text of /proc/net/route.
std::optional<in_addr> parse_default_gateway(std::string_view proc_net_route, std::string_view ifname);

std::string format_ipv4(in_addr a);
unsigned prefix_of_netmask(in_addr mask);  // 255.255.255.0 -> 24 (counts the leading ones)

// Bring `name` up with this MTU (ioctl on an inet socket).
Result<void> set_link_up(const std::string& name, unsigned mtu);
// Remove one IPv4 address from an interface (RTM_DELADDR).
Result<void> delete_ipv4_address(Rtnetlink& nl, const Ipv4Interface& iface);

}  // namespace runz::linux
