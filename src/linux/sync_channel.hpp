// Messages between the runtime and the container's init over a SOCK_SEQPACKET pair, and
// file descriptors passed over unix sockets (SCM_RIGHTS).
#pragma once

#include <string>
#include <string_view>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::linux {

struct Message {
  char type = 0;  // see the protocol in backends/process/spawn.cpp
  std::string payload;
};

class SyncChannel {
 public:
  static Result<std::pair<SyncChannel, SyncChannel>> pair();
  explicit SyncChannel(Fd fd) : fd_(std::move(fd)) {}
  SyncChannel() = default;

  Result<void> send(char type, std::string_view payload = {}) const;
  // Blocks for the next message; EOF (the peer died) is an error with code EPIPE.
  Result<Message> receive() const;
  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }

 private:
  Fd fd_;
};

Result<void> send_fd(int sock, int fd, std::string_view name);
Result<Fd> receive_fd(int sock);
// Connect to a unix socket by path (the --console-socket).
Result<Fd> connect_unix(const std::string& path);

}  // namespace runz::linux
