#include <cstdio>

#include "cli/command.hpp"
#include "core/host_check.hpp"
#include "core/runtime.hpp"

namespace runz::cli {

Command check_command() {
  Command c{"check", "check",
            "Print what this host supports: cgroup layout, VMMs and accelerators (and whether they are "
            "fast), partitioning backends.",
            {}, nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 0, 0));
    core::Runtime rt(ctx.global);
    std::printf("%s", core::host_report(rt.host_context()).c_str());
    return 0;
  };
  return c;
}

}  // namespace runz::cli
