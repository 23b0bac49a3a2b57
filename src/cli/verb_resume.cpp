#include "cli/command.hpp"

namespace runz::cli {

Command resume_command() {
  Command c{"resume", "resume <container-id>", "Continue the processes of a paused container.", {}, nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    core::Runtime rt(ctx.global);
    TRYV(rt.resume(a.positional[0]));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
