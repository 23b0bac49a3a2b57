#include "cli/command.hpp"

namespace runz::cli {

Command start_command() {
  Command c{"start", "start <container-id>", "Start the process of a created container.", {}, nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    core::Runtime rt(ctx.global);
    TRYV(rt.start(a.positional[0]));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
