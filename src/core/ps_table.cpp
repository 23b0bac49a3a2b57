#include "core/ps_table.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

extern char** environ;

namespace runz::core {
namespace {

std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

Result<std::string> filter_ps_output(std::string_view output, const std::vector<pid_t>& pids) {
  auto lines = split(output, '\n');
  if (lines.empty() || trim(lines[0]).empty()) return fail_user("ps printed no header line");
  auto header = fields(lines[0]);
  auto column = std::find(header.begin(), header.end(), "PID");
  if (column == header.end()) return fail_user("couldn't find PID field in ps output");
  size_t index = static_cast<size_t>(column - header.begin());
  std::string out = lines[0] + "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    auto f = fields(lines[i]);
    if (index >= f.size()) continue;
    auto pid = parse_int(f[index]);
    if (!pid) return fail_user("unable to parse pid \"" + f[index] + "\" in ps output");
    if (std::find(pids.begin(), pids.end(), static_cast<pid_t>(*pid)) != pids.end()) out += lines[i] + "\n";
  }
  return out;
}

Result<std::string> run_ps(const std::vector<std::string>& args) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return fail_sys("ps: pipe");
  Fd reader(pipefd[0]), writer(pipefd[1]);
  Fd errors(::memfd_create("ps-stderr", MFD_CLOEXEC));
  if (!errors) return fail_sys("ps: memfd_create");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, writer.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv_storage{"ps"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int err = ::posix_spawnp(&pid, "ps", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return fail_sys("ps: run ps", err);
  writer.reset();

  auto output = read_fd(reader.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail_sys("ps: wait");
  if (!output) return fail(std::move(output.error()));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ::lseek(errors.get(), 0, SEEK_SET);
    // One line for our error: the first thing ps said.
    std::string message;
    for (auto& line : split(read_fd(errors.get()).value_or(""), '\n'))
      if (!trim(line).empty()) {
        message = std::string(trim(line));
        break;
      }
    std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status));
    return fail_user("ps " + join(args, " ") + ": " + how + (message.empty() ? "" : ": " + message));
  }
  return std::move(*output);
}

}  // namespace runz::core
