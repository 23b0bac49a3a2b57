#include "cli/command.hpp"

namespace runz::cli {

Command delete_command() {
  Command c{"delete", "delete [flags] <container-id>",
            "Delete a stopped (or created) container and everything it holds.",
            {{"force", "f", false, "kill a running container first"}}, nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    core::Runtime rt(ctx.global);
    TRYV(rt.remove(a.positional[0], a.has("force")));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
