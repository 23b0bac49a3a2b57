#include "linux/netlink.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cstddef>

namespace runz::linux {

NetlinkMessage::NetlinkMessage(uint16_t type, uint16_t flags) {
  nlmsghdr h{};
  h.nlmsg_type = type;
  h.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
  append(&h, sizeof h);
}

// Every piece starts at a 4-byte boundary (NLMSG_ALIGN / NLA_ALIGN).
void NetlinkMessage::append(const void* data, size_t size) {
  buf_.append(static_cast<const char*>(data), size);
  buf_.resize((buf_.size() + 3) & ~size_t{3}, '\0');
  set_length();
}

void NetlinkMessage::set_length() {
  auto len = static_cast<uint32_t>(buf_.size());
  std::memcpy(buf_.data() + offsetof(nlmsghdr, nlmsg_len), &len, sizeof len);
}

void NetlinkMessage::put(uint16_t type, const void* data, size_t size) {
  nlattr a{static_cast<uint16_t>(NLA_HDRLEN + size), type};
  buf_.append(reinterpret_cast<const char*>(&a), sizeof a);
  append(data, size);
}

void NetlinkMessage::put_string(uint16_t type, std::string_view s) {
  std::string z(s);
  put(type, z.c_str(), z.size() + 1);
}

size_t NetlinkMessage::begin_nest(uint16_t type) {
  size_t at = buf_.size();
  nlattr a{NLA_HDRLEN, static_cast<uint16_t>(type | NLA_F_NESTED)};
  append(&a, sizeof a);
  return at;
}

void NetlinkMessage::end_nest(size_t at) {
  auto len = static_cast<uint16_t>(buf_.size() - at);
  std::memcpy(buf_.data() + at + offsetof(nlattr, nla_len), &len, sizeof len);
}

Result<Rtnetlink> Rtnetlink::open() {
  Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return fail_sys("netlink socket");
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return fail_sys("bind netlink socket");
  return Rtnetlink(std::move(fd));
}

Result<void> Rtnetlink::request(const NetlinkMessage& msg, std::string_view what) {
  std::string out = msg.bytes();
  uint32_t seq = ++seq_;
  std::memcpy(out.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    return fail_sys(what);
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys(what);
    size_t left = static_cast<size_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR) continue;
      auto* e = static_cast<nlmsgerr*>(NLMSG_DATA(h));
      if (e->error == 0) return {};
      return fail_sys(what, -e->error);
    }
  }
}

}  // namespace runz::linux
