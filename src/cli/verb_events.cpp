#include <cstdio>

#include "cli/command.hpp"
#include "util/duration.hpp"

namespace runz::cli {

Command events_command() {
  Command c{"events", "events [flags] <container-id>",
            "Print a container's resource usage as JSON events, every --interval until it stops (or once: --stats).",
            {{"interval", "", true, "time between stats events, a Go duration like 5s or 500ms (default 5s)"},
             {"stats", "", false, "print the stats once and exit"}},
            nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 1, 1));
    std::string text = a.get("interval", "5s");
    auto interval = parse_go_duration(text);
    if (!interval) return fail_user("invalid value \"" + text + "\" for flag -interval: parse error");
    if (*interval <= std::chrono::nanoseconds::zero()) return fail_user("duration interval must be greater than 0");
    core::Runtime rt(ctx.global);
    return rt.events(a.positional[0], *interval, a.has("stats"), [](const std::string& event) -> Result<void> {
      std::string line = event + "\n";
      if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
        return fail_sys("events: write to stdout");
      return {};
    });
  };
  return c;
}

}  // namespace runz::cli
