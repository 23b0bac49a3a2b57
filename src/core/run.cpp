#include "core/run.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "linux/sync_channel.hpp"
#include "oci/spec.hpp"
#include "util/fs.hpp"

namespace runz::core {
namespace {

// Our terminal in raw mode for the duration of a foreground run with a tty.
class RawTerminal {
 public:
  RawTerminal() {
    if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios raw = saved_;
      ::cfmakeraw(&raw);
      active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

void copy_size(int master) {
  winsize ws;
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ::ioctl(master, TIOCSWINSZ, &ws);
}

// Move what is readable on `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
  char buf[16384];
  ssize_t n = ::read(from, buf, sizeof buf);
  if (n <= 0) return n < 0 && (errno == EINTR || errno == EAGAIN);
  return write_all(to, std::string_view(buf, static_cast<size_t>(n))).has_value();
}

// Reap children until the init is among them; forward every other signal to it.
Result<int> supervise(pid_t init, int sigfd, int master) {
  bool stdin_open = master >= 0;
  for (;;) {
    pollfd fds[3] = {{sigfd, POLLIN, 0}, {master, POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_sys("poll");
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(master, STDOUT_FILENO) && !(fds[1].revents & POLLIN)) master = -1;
    }
    if (fds[2].revents & (POLLIN | POLLHUP)) {
      if (!pump(STDIN_FILENO, master)) stdin_open = false;
    }
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo si;
    if (::read(sigfd, &si, sizeof si) != sizeof si) continue;
    if (si.ssi_signo == SIGWINCH && master >= 0) {
      copy_size(master);
    } else if (si.ssi_signo != SIGCHLD) {
      ::kill(init, static_cast<int>(si.ssi_signo));
      continue;
    }
    int status;
    pid_t p;
    while ((p = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != init) continue;
      if (master >= 0)
        while (pump(master, STDOUT_FILENO)) {}
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }
}

}  // namespace

Result<int> run_container(Runtime& runtime, const RunOptions& o) {
  auto spec = oci::load_spec(o.create.bundle);
  bool terminal = spec && spec->process && spec->process->terminal;
  CreateOptions create = o.create;
  Fd ours, theirs;
  if (terminal && create.console_socket.empty()) {
    if (o.detach) return fail_user("cannot allocate a tty for a detached container without --console-socket");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return fail_sys("socketpair");
    ours.reset(sv[0]);
    theirs.reset(sv[1]);
    create.console_fd = theirs.get();
  }
  sigset_t all, old;
  sigfillset(&all);
  if (!o.detach) ::sigprocmask(SIG_BLOCK, &all, &old);
  auto unblock = [&] {
    if (!o.detach) ::sigprocmask(SIG_SETMASK, &old, nullptr);
  };
  auto pid = runtime.create(create);
  if (!pid) {
    unblock();
    return fail(std::move(pid.error()));
  }
  Fd master;
  if (ours) {
    auto m = linux::receive_fd(ours.get());
    if (!m) {
      (void)runtime.remove(create.id, true);
      unblock();
      return fail(std::move(m.error()));
    }
    master = std::move(*m);
  }
  if (auto r = runtime.start(create.id); !r) {
    (void)runtime.remove(create.id, true);
    unblock();
    return fail(std::move(r.error()));
  }
  if (o.detach) return 0;

  Fd sigfd(::signalfd(-1, &all, SFD_CLOEXEC));
  std::optional<RawTerminal> raw;
  if (master) {
    if (::isatty(STDIN_FILENO)) {
      raw.emplace();
      copy_size(master.get());
    }
  }
  auto code = supervise(*pid, sigfd.get(), master ? master.get() : -1);
  raw.reset();
  if (!o.keep) (void)runtime.remove(create.id, true);
  unblock();
  return code;
}

}  // namespace runz::core
