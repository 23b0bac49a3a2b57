// A minimal rtnetlink client: build one request (a fixed header and nested attributes),
// send it with NLM_F_ACK and turn the kernel's answer into a Result. Enough for the few
// link, address and traffic-control changes runz makes (no dumps, no events).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::linux {

class NetlinkMessage {
 public:
  // `type` RTM_*; `flags` besides NLM_F_REQUEST | NLM_F_ACK (e.g. NLM_F_CREATE | NLM_F_EXCL).
  NetlinkMessage(uint16_t type, uint16_t flags);

  // The family header (ifaddrmsg, tcmsg, ...) right after the netlink header.
  template <typename T>
  void header(const T& value) {
    append(&value, sizeof value);
  }
  void put(uint16_t type, const void* data, size_t size);
  void put_u32(uint16_t type, uint32_t value) { put(type, &value, sizeof value); }
  void put_string(uint16_t type, std::string_view s);  // NUL-terminated
  // Attributes put between begin_nest and end_nest are nested in `type`.
  size_t begin_nest(uint16_t type);
  void end_nest(size_t at);

  const std::string& bytes() const { return buf_; }

 private:
  void append(const void* data, size_t size);
  void set_length();
  std::string buf_;
};

class Rtnetlink {
 public:
  static Result<Rtnetlink> open();
  // Send and wait for the acknowledgement; a kernel error becomes fail_sys(what, -error).
  Result<void> request(const NetlinkMessage& msg, std::string_view what);

 private:
  explicit Rtnetlink(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
  uint32_t seq_ = 0;
};

}  // namespace runz::linux
