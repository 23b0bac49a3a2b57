#include "cli/command.hpp"
#include "core/exec.hpp"
#include "util/strings.hpp"

namespace runz::cli {
namespace {

Result<std::pair<uint32_t, uint32_t>> parse_user(const std::string& text) {
  auto parts = split(text, ':');
  auto uid = parse_uint(parts[0]);
  auto gid = parts.size() > 1 ? parse_uint(parts[1]) : std::optional<uint64_t>(0);
  if (parts.size() > 2 || !uid || !gid || *uid > UINT32_MAX || *gid > UINT32_MAX)
    return fail_user("--user: expected uid[:gid] as numbers, got \"" + text + "\"");
  return std::pair{static_cast<uint32_t>(*uid), static_cast<uint32_t>(*gid)};
}

Result<std::vector<uint32_t>> parse_gids(const Args& a) {
  std::vector<uint32_t> out;
  auto it = a.values.find("additional-gids");
  if (it == a.values.end()) return out;
  for (auto& v : it->second)
    for (auto& g : split(v, ',')) {
      auto n = parse_uint(g);
      if (!n || *n > UINT32_MAX) return fail_user("--additional-gids: not a gid: " + g);
      out.push_back(static_cast<uint32_t>(*n));
    }
  return out;
}

std::vector<std::string> all(const Args& a, const std::string& flag) {
  auto it = a.values.find(flag);
  return it == a.values.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace

Command exec_command() {
  Command c{"exec", "exec [flags] <container-id> <command> [args...]",
            "Run a new process inside a running container.",
            {{"process", "p", true, "path to a process.json (the \"process\" object of config.json)"},
             {"tty", "t", false, "allocate a pseudo-TTY"},
             {"console-socket", "", true, "unix socket that receives the pty master"},
             {"detach", "d", false, "detach from the process"},
             {"pid-file", "", true, "file to write the process id to"},
             {"cwd", "", true, "working directory inside the container"},
             {"env", "e", true, "set an environment variable (repeatable)"},
             {"user", "u", true, "uid[:gid]"},
             {"additional-gids", "g", true, "additional gids (repeatable)"},
             {"cap", "c", true, "add a capability (repeatable)"},
             {"no-new-privs", "", false, "set no_new_privs"},
             {"preserve-fds", "", true, "pass N additional file descriptors"},
             {"process-label", "", true, "SELinux label (not available here)"},
             {"apparmor", "", true, "AppArmor profile (not available here)"},
             {"cgroup", "", true, "run in this sub-cgroup of the container"},
             {"ignore-paused", "", false, "accepted for runc compatibility"}},
            nullptr, true};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    if (a.positional.empty()) return fail_user("\"exec\" requires a container id; usage: runz " + c.usage);
    core::ExecOptions o;
    o.id = a.positional[0];
    o.args.assign(a.positional.begin() + 1, a.positional.end());
    o.process_file = a.get("process");
    o.tty = a.has("tty");
    o.console_socket = a.get("console-socket");
    o.pid_file = a.get("pid-file");
    o.cwd = a.get("cwd");
    o.env = all(a, "env");
    if (a.has("user")) {
      TRY(o.user, parse_user(a.get("user")));
    }
    TRY(o.additional_gids, parse_gids(a));
    o.caps = all(a, "cap");
    o.no_new_privs = a.has("no-new-privs");
    if (a.has("preserve-fds")) {
      auto n = parse_int(a.get("preserve-fds"));
      if (!n || *n < 0 || *n > 65536) return fail_user("--preserve-fds: not a valid count");
      o.preserve_fds = static_cast<int>(*n);
    }
    o.process_label = a.get("process-label");
    o.apparmor = a.get("apparmor");
    o.cgroup = a.get("cgroup");
    core::Runtime rt(ctx.global);
    return core::exec_container(rt, o, a.has("detach"));
  };
  return c;
}

}  // namespace runz::cli
