#include "backends/vm/vm_monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "backends/vm/guest_file.hpp"
#include "backends/vm/guest_network.hpp"
#include "linux/capabilities.hpp"
#include "backends/monitor_io.hpp"
#include "util/fd.hpp"

namespace runz::backends::vm {
namespace {


sigset_t monitored_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (int s : kStopSignals) sigaddset(&set, s);
  return set;
}

// Every fd is moved above the slots first, so that placing one cannot clobber another.
[[noreturn]] void exec_vmm(const MonitorPlan& plan, const std::vector<std::string>& args, int qmp,
                           const std::vector<Fd>& files, pid_t parent) {
  // The VMM must not outlive its monitor (SIGKILL to the container's init).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(137);
  int top = kFirstFileFd + static_cast<int>(files.size()) + 1;
  std::vector<int> high;
  high.push_back(::fcntl(qmp, F_DUPFD_CLOEXEC, top));
  for (auto& f : files) high.push_back(::fcntl(f.get(), F_DUPFD_CLOEXEC, top));
  for (size_t i = 0; i < high.size(); ++i)
    if (high[i] < 0 || ::dup2(high[i], kQmpFd + static_cast<int>(i)) < 0) ::_exit(127);
  if (auto dropped = linux::drop_capabilities(plan.monitor_only_capabilities); !dropped) {
    monitor_say("VMM: " + dropped.error().message);
    ::_exit(127);
  }
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  monitor_say("exec " + args[0] + ": " + std::strerror(errno));
  ::_exit(127);
}

class Monitor {
 public:
  explicit Monitor(const MonitorPlan& plan) : plan_(plan) {}

  int run() {
    sigset_t set = monitored_signals();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    signals_ = Fd(::signalfd(-1, &set, SFD_CLOEXEC));
    timer_ = Fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
    int pair[2];
    if (!signals_ || !timer_ || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      monitor_say(std::string("vm monitor: ") + std::strerror(errno));
      return 125;
    }
    qmp_ = Fd(pair[0]);
    Fd theirs(pair[1]);
    std::vector<Fd> files;
    for (auto& path : plan_.rootfs_files) {
      auto fd = open_in_rootfs(plan_.rootfs, path);
      if (!fd) {
        monitor_say("guest image " + path + ": " + fd.error().message);
        return 125;
      }
      files.push_back(std::move(*fd));
    }
    std::vector<std::string> argv = plan_.argv;
    if (plan_.network) {
      auto with_nic = attach_network(kFirstFileFd + static_cast<int>(files.size()));
      if (!with_nic) {
        monitor_say("vm network: " + with_nic.error().message);
        return 125;
      }
      if (with_nic->first) {
        argv = std::move(with_nic->second);
        files.push_back(std::move(with_nic->first));
      }
    }
    pid_t self = ::getpid();
    vmm_ = ::fork();
    if (vmm_ < 0) return 125;
    if (vmm_ == 0) exec_vmm(plan_, argv, theirs.get(), files, self);
    // Only the VMM holds the tap now: it vanishes when the VMM ends, however it ends.
    files.clear();
    return loop();
  }

 private:
  // The tap (invalid when the guest gets no NIC) and the VMM command line that uses it as fd `slot`.
  Result<std::pair<Fd, std::vector<std::string>>> attach_network(int slot) {
    const MonitorNetwork& net = *plan_.network;
    TRY(auto nic, attach_guest_network(net.tap_name));
    if (!nic) {
      if (net.required)
        return fail_user("runz.vm.network is tap, but the container's network namespace has no interface "
                         "to hand over (up, with a MAC and an IPv4 address)");
      return std::pair<Fd, std::vector<std::string>>{};
    }
    TRY(auto argv, net.argv_with_nic(nic->config, slot));
    return std::pair{std::move(nic->tap), std::move(argv)};
  }

  int loop() {
    for (;;) {
      pollfd fds[3] = {{signals_.get(), POLLIN, 0}, {timer_.get(), POLLIN, 0}, {qmp_.get(), POLLIN, 0}};
      int n = ::poll(fds, qmp_ ? 3 : 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (fds[2].revents) read_qmp();
      if (fds[1].revents & POLLIN) {
        uint64_t ticks;
        [[maybe_unused]] auto r = ::read(timer_.get(), &ticks, sizeof ticks);
        monitor_say("the guest did not power off within " + std::to_string(plan_.shutdown_timeout.count()) +
            " ms: stopping the VM");
        forced_ = true;
        ::kill(vmm_, SIGKILL);
      }
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info;
        if (::read(signals_.get(), &info, sizeof info) != sizeof info) continue;
        if (info.ssi_signo == SIGCHLD) {
          if (auto code = reap(); code >= 0) return code;
        } else {
          request_power_off(static_cast<int>(info.ssi_signo));
        }
      }
    }
  }

  // -1 while the VMM is still running.
  int reap() {
    int status = 0;
    pid_t p;
    while ((p = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != vmm_) continue;  // orphans re-parented to us (pid 1 of the container)
      drain_qmp();
      if (forced_) return 128 + stop_signal_;
      GuestEnd end = plan_.decode(status, seen_);
      if (!end.message.empty()) monitor_say(end.message);
      return end.code;
    }
    return -1;
  }

  void request_power_off(int sig) {
    if (stop_signal_) return;  // one request; the timer is already running
    stop_signal_ = sig;
    send_qmp(R"({"execute":"system_powerdown"})");
    auto ms = plan_.shutdown_timeout.count();
    itimerspec t{};
    t.it_value.tv_sec = ms / 1000;
    t.it_value.tv_nsec = (ms % 1000) * 1000000 + 1;
    ::timerfd_settime(timer_.get(), 0, &t, nullptr);
  }

  void send_qmp(std::string_view command) {
    if (!qmp_) return;
    std::string line = std::string(command) + "\n";
    if (::send(qmp_.get(), line.data(), line.size(), MSG_NOSIGNAL) < 0) qmp_.reset();
  }

  void read_qmp() {
    char buf[4096];
    ssize_t n = ::recv(qmp_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) {
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) qmp_.reset();
      return;
    }
    pending_.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      note_qmp_line(line, seen_);
      advance_handshake(line);
    }
  }

  // QEMU starts paused (-S): the guest runs only once QMP is in command mode, so no event
  // of a guest that ends at once (a triple fault in its first instructions) is lost.
  void advance_handshake(const std::string& line) {
    if (handshake_ == Handshake::greeting && seen_.greeted) {
      send_qmp(R"({"execute":"qmp_capabilities"})");
      handshake_ = Handshake::capabilities;
    } else if (handshake_ == Handshake::capabilities && line.find("\"return\"") != std::string::npos) {
      send_qmp(R"({"execute":"cont"})");
      handshake_ = Handshake::running;
    }
  }

  // The SHUTDOWN event may still be in flight when the VMM exits.
  void drain_qmp() {
    while (qmp_) {
      pollfd p{qmp_.get(), POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) break;
      read_qmp();
    }
  }

  const MonitorPlan& plan_;
  Fd signals_, timer_, qmp_;
  pid_t vmm_ = -1;
  int stop_signal_ = 0;
  bool forced_ = false;
  std::string pending_;
  QmpSeen seen_;
  enum class Handshake { greeting, capabilities, running } handshake_ = Handshake::greeting;
};

}  // namespace

void note_qmp_line(const std::string& qmp_line, QmpSeen& seen) {
  auto j = nlohmann::json::parse(qmp_line, nullptr, false);
  if (!j.is_object()) return;
  if (j.contains("QMP")) seen.greeted = true;
  std::string event = j.value("event", "");
  if (event == "GUEST_PANICKED") seen.panicked = true;
  if (event != "SHUTDOWN") return;
  seen.shutdown_reason = "unknown";
  auto data = j.find("data");
  if (data == j.end() || !data->is_object()) return;
  auto reason = data->find("reason");
  if (reason != data->end() && reason->is_string()) seen.shutdown_reason = reason->get<std::string>();
}

int run_vm_monitor(const MonitorPlan& plan) { return Monitor(plan).run(); }

}  // namespace runz::backends::vm
