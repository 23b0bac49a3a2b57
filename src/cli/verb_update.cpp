#include <unistd.h>

#include "cli/command.hpp"
#include "core/update_flags.hpp"
#include "linux/resources.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace runz::cli {

Command update_command() {
  Command c{"update", "update [flags] <container-id>",
            "Change the resource limits of a running or paused container (flags, or --resources FILE|-).",
            {{"resources", "r", true, "LinuxResources JSON file to apply, or - for stdin (the other flags are then ignored)"},
             {"blkio-weight", "", true, "block IO weight, 10 to 1000"},
             {"cpu-period", "", true, "CPU CFS period in microseconds"},
             {"cpu-quota", "", true, "CPU CFS quota in microseconds per period (-1: unlimited)"},
             {"cpu-share", "", true, "CPU shares (relative weight)"},
             {"cpu-rt-period", "", true, "CPU realtime period in microseconds"},
             {"cpu-rt-runtime", "", true, "CPU realtime runtime in microseconds per period"},
             {"cpuset-cpus", "", true, "CPUs to run on (0-3,5)"},
             {"cpuset-mems", "", true, "memory nodes to use"},
             {"memory", "", true, "memory limit: bytes, with a unit (512m, 1g), or -1 for unlimited"},
             {"memory-reservation", "", true, "memory soft limit"},
             {"memory-swap", "", true, "memory+swap limit; -1 for unlimited swap"},
             {"kernel-memory", "", true, "kernel memory limit (cgroup v1, deprecated)"},
             {"kernel-memory-tcp", "", true, "kernel TCP buffer limit (cgroup v1)"},
             {"pids-limit", "", true, "maximum number of pids (-1: unlimited)"},
             {"l3-cache-schema", "", true, "Intel RDT L3 cache schema (not supported)"},
             {"mem-bw-schema", "", true, "Intel RDT memory bandwidth schema (not supported)"}},
            nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    linux::Resources resources;
    if (a.has("resources")) {
      std::string file = a.get("resources");
      if (file.empty()) return fail_user("--resources needs a file name or -");
      for (auto flag : core::kUpdateResourceFlags)
        if (a.has(std::string(flag))) log::warn("update: --" + std::string(flag) + " is ignored with --resources");
      TRY(std::string text, file == "-" ? with_context(read_fd(STDIN_FILENO), "read resources from stdin")
                                        : with_context(read_file(file), "--resources"));
      TRY(resources, linux::parse_resources(text, "resources"));
    } else {
      std::map<std::string, std::string> flags;
      for (auto flag : core::kUpdateResourceFlags)
        if (a.has(std::string(flag))) flags[std::string(flag)] = a.get(std::string(flag));
      TRY(resources, core::resources_from_update_flags(flags));
    }
    core::Runtime rt(ctx.global);
    TRYV(rt.update(a.positional[0], resources));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
