#include "backends/vm/guest_net_config.hpp"

#include <cctype>
#include <vector>

namespace runz::backends::vm {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

bool parse_unsigned(std::string_view s, unsigned max, unsigned& out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > max) return false;
  out = static_cast<unsigned>(v);
  return true;
}

}  // namespace

bool valid_mac(std::string_view mac) {
  if (mac.size() != 17) return false;
  for (size_t i = 0; i < mac.size(); ++i) {
    bool colon = i % 3 == 2;
    if (colon ? mac[i] != ':' : !std::isxdigit(static_cast<unsigned char>(mac[i]))) return false;
  }
  return true;
}


bool parse_ipv4(std::string_view text, uint32_t& out) {
  auto parts = split(text, '.');
  if (parts.size() != 4) return false;
  uint32_t v = 0;
  for (auto p : parts) {
    unsigned octet;
    if (p.size() > 3 || !parse_unsigned(p, 255, octet)) return false;
    v = (v << 8) | octet;
  }
  out = v;
  return true;
}

uint32_t ipv4_netmask(unsigned prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

std::string encode_guest_net_param(const GuestNetConfig& n) {
  return std::string(kGuestNetParam) + "=" + n.mac + "," + n.address + "/" + std::to_string(n.prefix) + "," +
         n.gateway + "," + std::to_string(n.mtu);
}

Result<GuestNetConfig> decode_guest_net_param(std::string_view value) {
  auto bad = [&](const std::string& why) {
    return fail_user(std::string(kGuestNetParam) + "=" + std::string(value) + ": " + why);
  };
  auto fields = split(value, ',');
  if (fields.size() < 2 || fields.size() > 4) return bad("expected MAC,ADDRESS/PREFIX[,GATEWAY[,MTU]]");
  GuestNetConfig n;
  if (!valid_mac(fields[0])) return bad("not a MAC address");
  n.mac = fields[0];
  auto cidr = split(fields[1], '/');
  uint32_t ip;
  if (cidr.size() != 2 || !parse_ipv4(cidr[0], ip) || !parse_unsigned(cidr[1], 32, n.prefix))
    return bad("the address is not ADDRESS/PREFIX");
  n.address = cidr[0];
  if (fields.size() > 2 && !fields[2].empty()) {
    if (!parse_ipv4(fields[2], ip)) return bad("the gateway is not an IPv4 address");
    n.gateway = fields[2];
  }
  if (fields.size() > 3 && (!parse_unsigned(fields[3], 65535, n.mtu) || n.mtu < 68)) return bad("bad MTU");
  return n;
}

}  // namespace runz::backends::vm
