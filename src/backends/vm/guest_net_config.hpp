// A guest's IPv4 configuration as the host hands it over: the NIC's MAC, the address and
// prefix the container's interface had, its default gateway and MTU. Linux guests get it
// as one kernel command-line word that runz-guest-init reads from /proc/cmdline:
//   runz.net=MAC,ADDRESS/PREFIX[,GATEWAY[,MTU]]   e.g. runz.net=52:54:00:12:34:56,10.0.0.2/24,10.0.0.1,1500
// (GATEWAY may be empty: "runz.net=MAC,10.0.0.2/24,,1450"). Kept to the STL and util/result
// so the static guest init can compile this file without the rest of runzlib.
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace runz::backends::vm {

inline constexpr std::string_view kGuestNetParam = "runz.net";

struct GuestNetConfig {
  std::string mac;      // "52:54:00:12:34:56"
  std::string address;  // dotted IPv4
  unsigned prefix = 24;
  std::string gateway;  // "" = no default route
  unsigned mtu = 1500;
};

// The whole word, "runz.net=...".
std::string encode_guest_net_param(const GuestNetConfig& net);
// "52:54:00:12:34:56": six colon-separated hex pairs.
bool valid_mac(std::string_view mac);
// The value after "runz.net=".
Result<GuestNetConfig> decode_guest_net_param(std::string_view value);

// Dotted quad -> host-order value; false if `text` is not one.
bool parse_ipv4(std::string_view text, uint32_t& out);
// 24 -> 255.255.255.0 (host order)
uint32_t ipv4_netmask(unsigned prefix);

}  // namespace runz::backends::vm
