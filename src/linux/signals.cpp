#include "linux/signals.hpp"

#include <csignal>

#include "util/strings.hpp"

namespace runz::linux {
namespace {
struct SigName {
  const char* name;
  int number;
};
constexpr SigName kSignals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};
}  // namespace

Result<int> parse_signal(std::string_view text) {
  if (auto n = parse_int(text)) {
    if (*n <= 0 || *n > SIGRTMAX) return fail_user("invalid signal \"" + std::string(text) + "\"");
    return static_cast<int>(*n);
  }
  const std::string upper = to_upper(text);
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (auto& s : kSignals)
    if (name == s.name) return s.number;
  // RTMIN, RTMIN+n, RTMAX-n
  auto rt = [&](std::string_view base, int value, int sign) -> std::optional<int> {
    if (!name.starts_with(base)) return std::nullopt;
    std::string_view rest = name.substr(base.size());
    if (rest.empty()) return value;
    if (rest[0] != (sign > 0 ? '+' : '-')) return std::nullopt;
    auto off = parse_int(rest.substr(1));
    if (!off || *off < 0 || *off > SIGRTMAX - SIGRTMIN) return std::nullopt;
    int v = value + sign * static_cast<int>(*off);
    if (v < SIGRTMIN || v > SIGRTMAX) return std::nullopt;
    return v;
  };
  if (auto v = rt("RTMIN", SIGRTMIN, +1)) return *v;
  if (auto v = rt("RTMAX", SIGRTMAX, -1)) return *v;
  return fail_user("unknown signal \"" + std::string(text) + "\"");
}

}  // namespace runz::linux
