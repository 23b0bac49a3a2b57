#include "backends/partition/partition_monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "backends/monitor_io.hpp"
#include "util/fd.hpp"

namespace runz::backends::partition {
namespace {

// The console is a file that only grows (the hypervisor's console buffer, as the driver's
// sysfs shows it); what was there before start belongs to others.
class ConsoleRelay {
 public:
  explicit ConsoleRelay(const std::string& path) : path_(path) {
    struct stat st;
    if (!path_.empty() && ::stat(path_.c_str(), &st) == 0) offset_ = st.st_size;
  }
  void relay() {
    if (path_.empty()) return;
    Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return;
    char buf[8192];
    for (;;) {
      ssize_t n = ::pread(fd.get(), buf, sizeof buf, offset_);
      if (n <= 0) break;
      offset_ += n;
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(STDOUT_FILENO, buf + done, static_cast<size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;  // nobody reads the container's stdout: the workload goes on
        done += w;
      }
    }
  }

 private:
  std::string path_;
  off_t offset_ = 0;
};

// Orphans re-parented to the container's pid 1 (a helper the tools left behind).
void reap_orphans() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
}

}  // namespace

int run_partition_monitor(const PartitionMonitorPlan& plan) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kStopSignals) sigaddset(&set, s);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  Fd signals(::signalfd(-1, &set, SFD_CLOEXEC));
  if (!signals) {
    monitor_say(std::string("partition monitor: signalfd: ") + std::strerror(errno));
    return 125;
  }
  ::signal(SIGPIPE, SIG_IGN);
  ConsoleRelay console(plan.console);
  if (auto r = plan.start(); !r) {
    console.relay();
    monitor_say(r.error().message);
    return 1;
  }
  const int timeout = static_cast<int>(plan.interval.count());
  for (;;) {
    pollfd p{signals.get(), POLLIN, 0};
    int n = ::poll(&p, 1, timeout);
    if (n < 0 && errno != EINTR) {
      monitor_say(std::string("partition monitor: poll: ") + std::strerror(errno));
      return 125;
    }
    if (n > 0 && (p.revents & POLLIN)) {
      signalfd_siginfo info;
      if (::read(signals.get(), &info, sizeof info) == sizeof info) {
        int sig = static_cast<int>(info.ssi_signo);
        if (auto r = plan.stop(); !r) monitor_say(plan.what + ": " + r.error().message);
        console.relay();
        return 128 + sig;
      }
    }
    reap_orphans();
    console.relay();
    auto state = plan.poll();
    if (!state) {
      monitor_say(plan.what + ": " + state.error().message);
      return 1;
    }
    if (state->state == WorkloadState::running) continue;
    console.relay();
    if (state->state == WorkloadState::ended) return 0;
    monitor_say(plan.what + " ended in state \"" + state->raw + "\"");
    return 1;
  }
}

}  // namespace runz::backends::partition
