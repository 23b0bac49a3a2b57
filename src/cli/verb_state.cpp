#include <cstdio>

#include "cli/command.hpp"

namespace runz::cli {

Command state_command() {
  Command c{"state", "state <container-id>", "Print the state of a container as JSON (runtime.md).", {}, nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    core::Runtime rt(ctx.global);
    TRY(std::string json, rt.state(a.positional[0]));
    std::printf("%s\n", json.c_str());
    return 0;
  };
  return c;
}

}  // namespace runz::cli
