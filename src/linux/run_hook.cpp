#include "linux/run_hook.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "util/fd.hpp"
#include "util/fs.hpp"

namespace runz::linux {

static int64_t monotonic_ms() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

Result<void> run_hook(const oci::Hook& hook, const std::string& state_json) {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return fail_sys("hook pipe");
  Fd rd(in[0]), wr(in[1]);
  std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : hook.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) return fail_sys("fork hook");
  if (pid == 0) {
    ::dup2(rd.get(), 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(hook.path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  rd.reset();
  // Feed the state and wait for the exit under one deadline: a hook that neither reads
  // its stdin nor exits must still time out.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return fail_sys("pidfd_open hook");
  }
  ::fcntl(wr.get(), F_SETFL, O_NONBLOCK);
  std::string_view pending = state_json;
  if (pending.empty()) wr.reset();
  int64_t deadline = hook.timeout ? monotonic_ms() + int64_t{*hook.timeout} * 1000 : -1;
  for (;;) {
    pollfd p[2] = {{pidfd.get(), POLLIN, 0}, {wr.get(), POLLOUT, 0}};
    int wait_ms = deadline < 0 ? -1 : static_cast<int>(std::max<int64_t>(0, deadline - monotonic_ms()));
    int r = ::poll(p, wr ? 2 : 1, wait_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return fail_user("hook " + hook.path + " timed out after " + std::to_string(*hook.timeout) + "s");
    }
    if (p[0].revents & POLLIN) break;
    if (wr && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(wr.get(), pending.data(), pending.size());
      if (n > 0) pending.remove_prefix(static_cast<size_t>(n));
      if (pending.empty() || (n < 0 && errno != EAGAIN && errno != EINTR)) wr.reset();
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail_sys("wait for hook " + hook.path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return fail_user("hook " + hook.path + " could not be executed");
  if (WIFEXITED(status))
    return fail_user("hook " + hook.path + " exited with status " + std::to_string(WEXITSTATUS(status)));
  return fail_user("hook " + hook.path + " killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace runz::linux
