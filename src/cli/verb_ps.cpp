#include <cstdio>

#include "cli/command.hpp"
#include "core/ps_table.hpp"
#include "core/stats_json.hpp"

namespace runz::cli {

Command ps_command() {
  Command c{"ps", "ps [flags] <container-id> [ps options]",
            "List the processes of a container (the host's ps -ef lines, or --format json: their pids).",
            {{"format", "f", true, "table (default) or json"}},
            nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    if (a.positional.empty()) TRYV(expect_args(c, a, 1, 1));
    std::string format = a.get("format", "table");
    if (format != "table" && format != "json") return fail_user("invalid format \"" + format + "\": use table or json");
    std::vector<std::string> ps_args(a.positional.begin() + 1, a.positional.end());
    // `ps ID -- -o pid` reads better than runc's `ps ID -o pid`; take both.
    if (!ps_args.empty() && ps_args[0] == "--") ps_args.erase(ps_args.begin());
    core::Runtime rt(ctx.global);
    TRY(auto pids, rt.pids(a.positional[0]));
    if (format == "json") {  // ps options are ignored here, as runc ignores them
      std::printf("%s\n", core::pids_json(pids).c_str());
      return 0;
    }
    if (ps_args.empty()) ps_args = {"-ef"};
    TRY(std::string output, core::run_ps(ps_args));
    TRY(std::string table, core::filter_ps_output(output, pids));
    std::fwrite(table.data(), 1, table.size(), stdout);
    return 0;
  };
  return c;
}

}  // namespace runz::cli
