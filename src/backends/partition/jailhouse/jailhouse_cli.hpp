// The Jailhouse driver as runz uses it: commands through the `jailhouse` tool (its errors
// carry the command and the tool's message), state read from the driver's sysfs tree. Both
// paths come from runz.toml, so tests point them at tests/sim/jailhouse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/partition/cpu_list.hpp"
#include "util/result.hpp"

namespace runz::backends::partition::jailhouse {

// One entry of <sysfs>/cells.
struct CellStatus {
  unsigned id = 0;
  std::string name;
  std::string state;  // "running", "shut down", "failed", ... (no newline)
};

// What `cell load` puts into a cell: a file, or a string (-s), at an address.
struct LoadItem {
  std::string file;    // a host path; empty when `text` is used
  std::string text;    // -s
  uint64_t address = 0;
};

class JailhouseCli {
 public:
  JailhouseCli(std::string binary, std::string sysfs) : binary_(std::move(binary)), sysfs_(std::move(sysfs)) {}

  // Cells are always named with --name: a container id such as "42" is not a cell id.
  Result<void> create(const std::string& cell_file) const;
  Result<void> load(const std::string& name, const std::vector<LoadItem>& items) const;
  Result<void> start(const std::string& name) const;
  Result<void> shutdown(const std::string& name) const;
  Result<void> destroy(const std::string& name) const;

  // sysfs
  bool enabled() const;  // <sysfs>/enabled reads 1
  Result<std::vector<CellStatus>> cells() const;
  Result<std::optional<CellStatus>> find(const std::string& name) const;
  Result<std::string> cell_state(unsigned id) const;  // ENOENT once the cell is destroyed
  Result<CpuSet> root_cell_cpus() const;              // cells/0/cpus_assigned_list
  std::string console_path() const;

  const std::string& binary() const { return binary_; }
  const std::string& sysfs() const { return sysfs_; }

 private:
  Result<void> run(std::vector<std::string> args) const;
  std::string binary_, sysfs_;
};

}  // namespace runz::backends::partition::jailhouse
