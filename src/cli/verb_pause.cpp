#include "cli/command.hpp"

namespace runz::cli {

Command pause_command() {
  Command c{"pause", "pause <container-id>",
            "Suspend every process of a container (cgroup freezer) until `runz resume`.", {},
            nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    core::Runtime rt(ctx.global);
    TRYV(rt.pause(a.positional[0]));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
