#include "linux/net_interfaces.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

#include "util/fd.hpp"
#include "util/fs.hpp"

namespace runz::linux {

std::string format_ipv4(in_addr a) {
  char buf[INET_ADDRSTRLEN];
  return ::inet_ntop(AF_INET, &a, buf, sizeof buf) ? buf : "";
}

unsigned prefix_of_netmask(in_addr mask) {
  uint32_t m = ntohl(mask.s_addr);
  unsigned n = 0;
  while (n < 32 && (m & (0x80000000u >> n))) ++n;
  return n;
}

namespace {

std::string format_mac(const unsigned char* b, size_t len) {
  if (len != 6) return "";
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
  return buf;
}

Result<unsigned> link_mtu(const std::string& name) {
  Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s) return fail_sys("socket");
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(s.get(), SIOCGIFMTU, &req) != 0) return fail_sys("MTU of " + name);
  return static_cast<unsigned>(req.ifr_mtu);
}

}  // namespace

Result<std::vector<Ipv4Interface>> ipv4_interfaces() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return fail_sys("list network interfaces");
  std::map<std::string, std::string> macs;
  std::vector<Ipv4Interface> out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr) continue;
    if (a->ifa_addr->sa_family == AF_PACKET) {
      auto* ll = reinterpret_cast<const sockaddr_ll*>(a->ifa_addr);
      macs[a->ifa_name] = format_mac(ll->sll_addr, ll->sll_halen);
      continue;
    }
    bool usable = a->ifa_addr->sa_family == AF_INET && (a->ifa_flags & IFF_UP) && !(a->ifa_flags & IFF_LOOPBACK);
    if (!usable) continue;
    bool seen = false;
    for (auto& i : out) seen = seen || i.name == a->ifa_name;
    if (seen) continue;  // a secondary address
    Ipv4Interface i;
    i.name = a->ifa_name;
    i.index = ::if_nametoindex(a->ifa_name);
    i.address = reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr;
    if (a->ifa_netmask) i.prefix = prefix_of_netmask(reinterpret_cast<const sockaddr_in*>(a->ifa_netmask)->sin_addr);
    out.push_back(std::move(i));
  }
  ::freeifaddrs(list);
  for (auto& i : out) {
    i.mac = macs[i.name];
    TRY(i.mtu, link_mtu(i.name));
  }
  return out;
}

// Lines: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT, the
// addresses as hex of the raw (network order) 32-bit value.
std::optional<in_addr> parse_default_gateway(std::string_view text, std::string_view ifname) {
  std::istringstream in{std::string(text)};
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string iface, dest, gw, flags, refcnt, use, metric, mask;
    if (!(f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
    if (iface != ifname || dest != "00000000" || mask != "00000000") continue;
    unsigned long fl = std::strtoul(flags.c_str(), nullptr, 16);
    if (!(fl & 0x1) || !(fl & 0x2)) continue;  // RTF_UP, RTF_GATEWAY
    in_addr a{};
    a.s_addr = static_cast<uint32_t>(std::strtoul(gw.c_str(), nullptr, 16));
    return a;
  }
  return std::nullopt;
}

Result<std::optional<in_addr>> default_ipv4_gateway(const std::string& ifname) {
  TRY(std::string text, read_file("/proc/net/route"));
  return parse_default_gateway(text, ifname);
}

Result<void> set_link_up(const std::string& name, unsigned mtu) {
  Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s) return fail_sys("socket");
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  req.ifr_mtu = static_cast<int>(mtu);
  if (::ioctl(s.get(), SIOCSIFMTU, &req) != 0) return fail_sys("set the MTU of " + name);
  if (::ioctl(s.get(), SIOCGIFFLAGS, &req) != 0) return fail_sys("flags of " + name);
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
  if (::ioctl(s.get(), SIOCSIFFLAGS, &req) != 0) return fail_sys("bring " + name + " up");
  return {};
}

Result<void> delete_ipv4_address(Rtnetlink& nl, const Ipv4Interface& iface) {
  NetlinkMessage m(RTM_DELADDR, 0);
  ifaddrmsg h{};
  h.ifa_family = AF_INET;
  h.ifa_prefixlen = static_cast<unsigned char>(iface.prefix);
  h.ifa_index = iface.index;
  m.header(h);
  m.put(IFA_LOCAL, &iface.address, sizeof iface.address);
  return nl.request(m, "remove " + format_ipv4(iface.address) + " from " + iface.name);
}

}  // namespace runz::linux
