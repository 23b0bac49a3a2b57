// runz: an OCI runtime with runc's command line.
#include <seccomp.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "cli/command.hpp"
#include "linux/sealed_exe.hpp"
#include "oci/state.hpp"
#include "util/log.hpp"

extern char** environ;

namespace runz::cli {
namespace {

const std::vector<Flag>& global_flags() {
  static const std::vector<Flag> flags = {
      {"root", "", true, "root directory for container state (default /run/runz)"},
      {"log", "", true, "log file (default: stderr)"},
      {"log-format", "", true, "text or json"},
      {"debug", "", false, "log debug messages"},
      {"systemd-cgroup", "", false, "use the systemd cgroup driver (needs systemd)"},
      {"config", "", true, "host configuration (default $RUNZ_CONFIG, else /etc/runz/runz.toml)"},
      {"rootless", "", true, "accepted for runc compatibility"},
      {"criu", "", true, "accepted for runc compatibility"},
      {"version", "v", false, "print the version"},
      {"help", "h", false, "show help"},
  };
  return flags;
}

void print_version() {
  const scmp_version* v = seccomp_version();
  std::printf("runz version %s\nspec: %s\nlibseccomp: %u.%u.%u\n", RUNZ_VERSION, oci::kOciVersion,
              v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
}

void print_help() {
  std::printf("runz: an OCI container runtime (runc-compatible command line)\n\n"
              "Usage: runz [global flags] <command> [flags] [arguments]\n\nCommands:\n");
  for (auto& c : commands()) std::printf("  %-12s %s\n", c.name.c_str(), c.description.c_str());
  std::printf("\nGlobal flags:\n");
  for (auto& f : global_flags())
    std::printf("  --%-16s %s\n", (f.name + (f.takes_value ? " value" : "")).c_str(), f.help.c_str());
  std::printf("\nRun 'runz <command> --help' for a command's flags.\n");
}

int fail_with(const Error& e) {
  log::error(e.message);
  return 1;
}

int run_main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  size_t next = 1;
  auto global = parse_flags(args, 1, global_flags(), next);
  if (!global) return fail_with(global.error());
  // parse_flags puts everything from the verb on into positional.
  if (global->has("version")) {
    print_version();
    return 0;
  }
  if (global->positional.empty() || global->positional[0] == "help") {
    print_help();
    return global->positional.empty() && !global->has("help") ? 1 : 0;
  }
  std::string format = global->get("log-format", "text");
  if (format != "text" && format != "json") return fail_with(user_error("invalid --log-format \"" + format + "\": use text or json"));
  log::configure(global->get("log"), format == "json" ? log::Format::json : log::Format::text, global->has("debug"));

  const Command* cmd = find_command(global->positional[0]);
  if (!cmd) return fail_with(user_error("unknown command \"" + global->positional[0] + "\"; see runz --help"));
  std::vector<Flag> flags = cmd->flags;
  flags.push_back({"help", "h", false, ""});
  std::vector<std::string> rest(global->positional.begin(), global->positional.end());
  size_t end = 0;
  auto verb_args = parse_flags(rest, 1, flags, end);
  if (!verb_args) return fail_with(std::move(verb_args.error()).context(cmd->name));
  if (verb_args->has("help")) {
    std::printf("%s", command_help(*cmd).c_str());
    return 0;
  }
  if (cmd->needs_sealed_binary && !linux::running_from_sealed_copy()) {
    auto r = linux::reexec_from_sealed_copy(argv, environ);
    return fail_with(r.error());
  }
  Context ctx;
  ctx.global.root = global->get("root", "/run/runz");
  ctx.global.systemd_cgroup = global->has("systemd-cgroup");
  const char* env_config = std::getenv("RUNZ_CONFIG");
  ctx.global.config = global->get("config", env_config && *env_config ? env_config : "/etc/runz/runz.toml");
  auto code = cmd->run(ctx, *verb_args);
  if (!code) return fail_with(code.error());
  return *code;
}

}  // namespace
}  // namespace runz::cli

int main(int argc, char** argv) {
  // A hook or console peer that goes away must not kill us mid-operation.
  ::signal(SIGPIPE, SIG_IGN);
  return runz::cli::run_main(argc, argv);
}
