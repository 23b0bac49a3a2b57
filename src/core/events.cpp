// `events`: stats (and oom) events of a container, once or as a stream.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "core/runtime.hpp"
#include "core/stats_json.hpp"
#include "linux/proc.hpp"
#include "util/fd.hpp"

namespace runz::core {
namespace {

using Clock = std::chrono::steady_clock;

// SIGINT and SIGTERM, blocked and read from a signalfd while the stream runs.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &set_, &old_);
    fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~StopSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
  int fd() const { return fd_.get(); }

 private:
  sigset_t set_, old_;
  Fd fd_;
};

}  // namespace

Result<int> Runtime::events(std::string_view id, std::chrono::nanoseconds interval, bool once,
                            const std::function<Result<void>(const std::string&)>& emit) {
  if (!once && interval <= std::chrono::nanoseconds::zero())
    return fail_user("duration interval must be greater than 0");
  // The init, to notice at once when the container stops.
  Fd init;
  {
    TRY(ContainerDir dir, store_.open(id, false));
    TRY(oci::ContainerRecord record, dir.load());
    if (container_status(dir, record) == "stopped") return fail_user("container " + std::string(id) + " is not running");
    init.reset(static_cast<int>(::syscall(SYS_pidfd_open, record.pid, 0)));
    if (init && !linux::process_is(record.pid, record.pid_start)) init.reset();  // not our init
  }
  StopSignals stop;
  std::optional<uint64_t> ooms;
  for (bool first = true;; first = false) {
    auto current = stats(id);
    if (!current) {
      if (first) return fail(std::move(current.error()));
      auto now = status(id);
      if (!now || *now == "stopped") return 0;  // stopped (or deleted) meanwhile
      return fail(std::move(current.error()));
    }
    if (ooms && current->memory.oom_kill > *ooms) TRYV(emit(oom_event_json(id)));
    ooms = current->memory.oom_kill;
    TRYV(emit(stats_event_json(id, *current)));
    if (once) return 0;

    // Sleep for the interval, waking for a stop signal or the init's exit.
    auto deadline = Clock::now() + interval;
    for (;;) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd p[2] = {{stop.fd(), POLLIN, 0}, {init.get(), POLLIN, 0}};
      int n = ::poll(p, init ? 2 : 1, static_cast<int>(std::min<int64_t>(left, 60000)));
      if (n < 0 && errno != EINTR) return fail_sys("events: poll");
      if (n > 0 && (p[0].revents & POLLIN)) {
        signalfd_siginfo info;  // consume it, or it is delivered once unblocked
        (void)!::read(stop.fd(), &info, sizeof info);
        return 0;
      }
      if (n > 0 && init && (p[1].revents & (POLLIN | POLLHUP))) return 0;
    }
  }
}

}  // namespace runz::core
