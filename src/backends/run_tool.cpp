#include "backends/run_tool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends {
namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out) {
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0 || ::dup2(null, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 || ::dup2(out, STDERR_FILENO) < 0)
    ::_exit(127);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  std::string msg = "exec ";
  msg.append(argv[0]).append(": ").append(std::strerror(errno)).append("\n");
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
  ::_exit(127);
}

std::string last_line(std::string_view text) {
  text = trim(text);
  auto nl = text.find_last_of('\n');
  return std::string(nl == std::string_view::npos ? text : trim(text.substr(nl + 1)));
}

}  // namespace

Result<std::string> run_tool(const std::vector<std::string>& argv, const std::string& display) {
  std::string command = display;
  for (size_t i = 1; i < argv.size(); ++i) command.append(" ").append(argv[i]);
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return fail_sys(command + ": pipe");
  Fd rd(p[0]), wr(p[1]);
  pid_t pid = ::fork();
  if (pid < 0) return fail_sys(command + ": fork");
  if (pid == 0) exec_child(argv, wr.get());
  wr.reset();
  auto output = read_fd(rd.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail_sys(command + ": wait");
  std::string text = output ? *output : std::string();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return text;
  std::string why = last_line(text);
  if (why.empty())
    why = WIFEXITED(status) ? std::string("exit status ").append(std::to_string(WEXITSTATUS(status)))
                            : std::string("killed by signal ").append(std::to_string(WTERMSIG(status)));
  return fail_user(command + ": " + why);
}

}  // namespace runz::backends
