#include "core/foreground.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <optional>

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

Result<int> foreground(pid_t pid, int master) {
  sigset_t all;
  sigfillset(&all);
  Fd sigfd(::signalfd(-1, &all, SFD_CLOEXEC));
  if (!sigfd) return fail_sys("signalfd");
  std::optional<RawTerminal> raw;
  if (master >= 0 && ::isatty(STDIN_FILENO)) {
    raw.emplace();
    copy_size(master);
  }
  return supervise(pid, sigfd.get(), master);
}

}  // namespace runz::core
