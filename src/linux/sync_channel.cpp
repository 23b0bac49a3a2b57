#include "linux/sync_channel.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

namespace runz::linux {

Result<std::pair<SyncChannel, SyncChannel>> SyncChannel::pair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return fail_sys("socketpair");
  return std::pair{SyncChannel(Fd(sv[0])), SyncChannel(Fd(sv[1]))};
}

Result<void> SyncChannel::send(char type, std::string_view payload) const {
  std::string msg(1, type);
  msg += payload;
  for (;;) {
    if (::send(fd_.get(), msg.data(), msg.size(), MSG_NOSIGNAL) >= 0) return {};
    if (errno != EINTR) return fail_sys("sync send");
  }
}

Result<Message> SyncChannel::receive() const {
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("sync receive");
    if (n == 0) return fail(Error{EPIPE, "the container's init exited unexpectedly"});
    return Message{buf[0], buf.substr(1, static_cast<size_t>(n) - 1)};
  }
}

Result<void> send_fd(int sock, int fd, std::string_view name) {
  char cbuf[CMSG_SPACE(sizeof(int))] = {};
  std::string data(name.empty() ? std::string_view("fd") : name);
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) return fail_sys("send file descriptor");
  return {};
}

Result<Fd> receive_fd(int sock) {
  char cbuf[CMSG_SPACE(sizeof(int))] = {};
  char data[4096];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  ssize_t n;
  while ((n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR) return fail_sys("receive file descriptor");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (n == 0 || !c || c->cmsg_type != SCM_RIGHTS) return fail_user("no file descriptor received");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return Fd(fd);
}

Result<Fd> connect_unix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return fail_user("socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_sys("socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return fail_sys("connect " + path);
  return fd;
}

}  // namespace runz::linux
