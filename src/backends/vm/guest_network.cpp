#include "backends/vm/guest_network.hpp"

#include <net/if.h>

#include <cstdio>

#include "linux/net_interfaces.hpp"
#include "linux/tap.hpp"
#include "linux/tc_redirect.hpp"

namespace runz::backends::vm {

std::string tap_name_for(std::string_view container_id) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (unsigned char c : container_id) h = (h ^ c) * 0x100000001b3ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return "tap" + std::string(hex, 10);
}

Result<std::optional<AttachedNic>> attach_guest_network(const std::string& tap_name) {
  TRY(auto interfaces, linux::ipv4_interfaces());
  const linux::Ipv4Interface* iface = nullptr;
  for (const auto& i : interfaces)
    if (!i.mac.empty() && i.name != tap_name) {
      iface = &i;
      break;
    }
  if (!iface) return std::optional<AttachedNic>{};

  AttachedNic nic;
  nic.tap_name = tap_name;
  nic.host_interface = iface->name;
  nic.config.mac = iface->mac;
  nic.config.address = linux::format_ipv4(iface->address);
  nic.config.prefix = iface->prefix;
  nic.config.mtu = iface->mtu;
  TRY(auto gateway, linux::default_ipv4_gateway(iface->name));
  if (gateway) nic.config.gateway = linux::format_ipv4(*gateway);

  TRY(nic.tap, linux::create_tap(tap_name));
  TRYV(linux::set_link_up(tap_name, iface->mtu));
  unsigned tap_index = ::if_nametoindex(tap_name.c_str());
  if (tap_index == 0) return fail_sys("index of " + tap_name);
  TRY(auto nl, linux::Rtnetlink::open());
  TRYV(linux::redirect_ingress(nl, iface->index, tap_index));
  TRYV(linux::redirect_ingress(nl, tap_index, iface->index));
  // The guest owns the address now: the namespace must not answer for it. Last, so that a
  // failure above leaves the interface's configuration as it was.
  TRYV(linux::delete_ipv4_address(nl, *iface));
  return std::optional<AttachedNic>{std::move(nic)};
}

}  // namespace runz::backends::vm
