#include "cli/command.hpp"
#include "core/run.hpp"

namespace runz::cli {

std::vector<Flag> create_flags();
Result<core::CreateOptions> create_options(const Args& a);

Command run_command() {
  auto flags = create_flags();
  flags.push_back({"detach", "d", false, "detach from the container's process"});
  flags.push_back({"keep", "", false, "do not delete the container after it exits"});
  Command c{"run", "run [flags] <container-id>",
            "Create and start a container; in the foreground, return its exit status.", flags, nullptr, true};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    core::RunOptions o;
    TRY(o.create, create_options(a));
    o.detach = a.has("detach");
    o.keep = a.has("keep");
    core::Runtime rt(ctx.global);
    return core::run_container(rt, o);
  };
  return c;
}

}  // namespace runz::cli
