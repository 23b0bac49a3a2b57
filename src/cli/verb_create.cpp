#include "cli/command.hpp"
#include "util/strings.hpp"

namespace runz::cli {

std::vector<Flag> create_flags() {
  return {
      {"bundle", "b", true, "path to the root of the bundle directory (default: current directory)"},
      {"console-socket", "", true, "unix socket that receives the pty master when process.terminal is true"},
      {"pid-file", "", true, "file to write the container init's pid to"},
      {"no-pivot", "", false, "do not use pivot_root (for a rootfs on a ramdisk)"},
      {"no-new-keyring", "", false, "do not create a new session keyring for the container"},
      {"preserve-fds", "", true, "pass N additional file descriptors (3 .. 3+N-1) to the container"},
  };
}

Result<core::CreateOptions> create_options(const Args& a) {
  core::CreateOptions o;
  o.id = a.positional.at(0);
  o.bundle = a.get("bundle", ".");
  o.console_socket = a.get("console-socket");
  o.pid_file = a.get("pid-file");
  o.no_pivot = a.has("no-pivot");
  o.no_new_keyring = a.has("no-new-keyring");
  if (a.has("preserve-fds")) {
    auto n = parse_int(a.get("preserve-fds"));
    if (!n || *n < 0 || *n > 65536) return fail_user("--preserve-fds: not a valid count: " + a.get("preserve-fds"));
    o.preserve_fds = static_cast<int>(*n);
  }
  return o;
}

Command create_command() {
  Command c{"create", "create [flags] <container-id>",
            "Create a container from a bundle; its process waits until `runz start`.", create_flags(), nullptr, true};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    TRY(auto o, create_options(a));
    core::Runtime rt(ctx.global);
    TRYV(rt.create(o));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
