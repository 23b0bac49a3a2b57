#include <csignal>

#include "cli/command.hpp"
#include "linux/signals.hpp"

namespace runz::cli {

Command kill_command() {
  Command c{"kill", "kill [flags] <container-id> [signal]",
            "Send a signal (default SIGTERM; a number, a name, with or without SIG) to a container.",
            {{"all", "a", false, "send the signal to every process in the container's cgroup"}},
            nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 2));
    int sig = SIGTERM;
    if (a.positional.size() == 2) {
      TRY(sig, linux::parse_signal(a.positional[1]));
    }
    core::Runtime rt(ctx.global);
    TRYV(rt.kill(a.positional[0], sig, a.has("all")));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
