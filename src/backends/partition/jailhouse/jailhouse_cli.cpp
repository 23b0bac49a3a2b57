#include "backends/partition/jailhouse/jailhouse_cli.hpp"

#include <dirent.h>

#include <algorithm>

#include "backends/partition/platform.hpp"
#include "backends/run_tool.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::partition::jailhouse {
namespace {

Result<std::string> read_value(const std::string& path) {
  TRY(std::string text, read_file(path));
  return std::string(trim(text));
}

}  // namespace

Result<void> JailhouseCli::run(std::vector<std::string> args) const {
  args.insert(args.begin(), binary_);
  TRYV(run_tool(args, "jailhouse"));
  return {};
}

Result<void> JailhouseCli::create(const std::string& cell_file) const { return run({"cell", "create", cell_file}); }

Result<void> JailhouseCli::load(const std::string& name, const std::vector<LoadItem>& items) const {
  std::vector<std::string> args{"cell", "load", "--name", name};
  for (const auto& item : items) {
    if (item.file.empty()) {
      args.push_back("-s");
      args.push_back(item.text);
    } else {
      args.push_back(item.file);
    }
    args.push_back("-a");
    args.push_back(format_hex(item.address));
  }
  return run(args);
}

Result<void> JailhouseCli::start(const std::string& name) const { return run({"cell", "start", "--name", name}); }
Result<void> JailhouseCli::shutdown(const std::string& name) const { return run({"cell", "shutdown", "--name", name}); }
Result<void> JailhouseCli::destroy(const std::string& name) const { return run({"cell", "destroy", "--name", name}); }

bool JailhouseCli::enabled() const {
  auto v = read_value(path_join(sysfs_, "enabled"));
  return v && *v == "1";
}

Result<std::vector<CellStatus>> JailhouseCli::cells() const {
  std::string dir = path_join(sysfs_, "cells");
  std::vector<CellStatus> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fail_sys("read " + dir);
  while (dirent* e = ::readdir(d)) {
    auto id = parse_uint(e->d_name);
    if (!id) continue;
    std::string cell = path_join(dir, e->d_name);
    auto name = read_value(path_join(cell, "name"));
    if (!name) continue;  // destroyed while we looked
    auto state = read_value(path_join(cell, "state"));
    out.push_back({static_cast<unsigned>(*id), *name, state ? *state : "invalid"});
  }
  ::closedir(d);
  std::ranges::sort(out, {}, &CellStatus::id);
  return out;
}

Result<std::optional<CellStatus>> JailhouseCli::find(const std::string& name) const {
  TRY(auto all, cells());
  for (auto& c : all)
    if (c.name == name) return std::optional<CellStatus>(c);
  return std::optional<CellStatus>();
}

Result<std::string> JailhouseCli::cell_state(unsigned id) const {
  return read_value(path_join(path_join(path_join(sysfs_, "cells"), std::to_string(id)), "state"));
}

Result<CpuSet> JailhouseCli::root_cell_cpus() const {
  TRY(std::string list, read_value(path_join(sysfs_, "cells/0/cpus_assigned_list")));
  if (list.empty()) return CpuSet{};
  return parse_cpu_list(list);
}

std::string JailhouseCli::console_path() const { return path_join(sysfs_, "console"); }

}  // namespace runz::backends::partition::jailhouse
