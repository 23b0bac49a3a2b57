#include <cstdio>

#include "cli/command.hpp"
#include "oci/state.hpp"

namespace runz::cli {

static void print_table(const std::vector<core::ListEntry>& entries) {
  std::printf("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (auto& e : entries) {
    int pid = e.status == "stopped" ? 0 : e.record.pid;
    std::printf("%-12s %-10d %-10s %-40s %-30s %s\n", e.record.id.c_str(), pid, e.status.c_str(),
                e.record.bundle.c_str(), e.record.created.c_str(), e.record.owner.c_str());
  }
}

Command list_command() {
  Command c{"list", "list [flags]", "List the containers under --root.",
            {{"format", "f", true, "table or json"}, {"quiet", "q", false, "print only the ids"}}, nullptr};
  c.run = [c](Context& ctx, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 0, 0));
    std::string format = a.get("format", "table");
    if (format != "table" && format != "json") return fail_user("invalid format \"" + format + "\": use table or json");
    core::Runtime rt(ctx.global);
    TRY(auto entries, rt.list());
    if (a.has("quiet")) {
      for (auto& e : entries) std::printf("%s\n", e.record.id.c_str());
    } else if (format == "json") {
      std::vector<std::pair<oci::ContainerRecord, std::string>> pairs;
      for (auto& e : entries) pairs.emplace_back(e.record, e.status);
      std::printf("%s\n", oci::list_json(pairs).c_str());
    } else {
      print_table(entries);
    }
    return 0;
  };
  return c;
}

}  // namespace runz::cli
