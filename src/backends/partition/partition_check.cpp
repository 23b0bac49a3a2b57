#include "backends/partition/partition_check.hpp"

#include "backends/partition/allocator.hpp"
#include "backends/partition/jailhouse/jailhouse_cli.hpp"
#include "backends/partition/partition_host.hpp"
#include "backends/partition/remoteproc/remoteproc.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::partition {
namespace {

void line(std::string& out, const std::string& text) { out += "partition: " + text + "\n"; }

void jailhouse_lines(std::string& out, const PartitionPlatform& p) {
  jailhouse::JailhouseCli jh(p.jailhouse, p.sysfs);
  line(out, "jailhouse tool " + p.jailhouse + ": " + (path_exists(p.jailhouse) ? "found" : "MISSING"));
  if (!path_exists(p.sysfs)) {
    line(out, "hypervisor: " + p.sysfs + " does not exist (driver not loaded)");
    return;
  }
  line(out, std::string("hypervisor enabled: ") + (jh.enabled() ? "yes" : "NO (jailhouse enable <system config>)"));
  auto cells = jh.cells();
  if (!cells) {
    line(out, "cells: " + cells.error().message);
    return;
  }
  std::vector<std::string> shown;
  for (auto& c : *cells) shown.push_back(std::to_string(c.id) + " " + c.name + " (" + c.state + ")");
  line(out, "cells: " + (shown.empty() ? std::string("none") : join(shown, ", ")));
}

void remoteproc_lines(std::string& out, const PartitionPlatform& p) {
  for (const auto& r : p.rprocs) {
    remoteproc::RemoteProc core(path_join(p.remoteproc_sysfs, r.remoteproc));
    auto state = core.state();
    line(out, "rproc " + r.name + " (" + core.dir() + "): " + (state ? *state : "MISSING: " + state.error().message) +
                  (r.rpmsg_ctrl.empty() ? "" : ", rpmsg " + r.rpmsg_ctrl + (path_exists(r.rpmsg_ctrl) ? "" : " (missing)")));
  }
}

}  // namespace

std::string partition_host_report(const HostContext& host) {
  std::string out;
  auto platform = load_host_platform(host);
  if (!platform) {
    line(out, "configuration error: " + platform.error().message);
    return out;
  }
  const PartitionPlatform& p = *platform;
  if (!p.enabled()) {
    line(out, "no partitioning backend configured (no [partition] in " + host.config_path + ")");
    return out;
  }
  line(out, "backend " + std::string(to_string(p.backend)) + " (" + std::string(to_string(p.arch)) + ", " +
                std::string(to_string(p.cell_layout)) + ")");
  if (p.backend == BackendKind::jailhouse) jailhouse_lines(out, p);
  remoteproc_lines(out, p);
  auto alloc = Allocator::open(allocations_path(host), p);
  auto free = alloc ? alloc->describe_free() : Result<std::string>(std::unexpected(alloc.error()));
  if (!free) {
    line(out, "allocations: " + free.error().message);
    return out;
  }
  for (const auto& l : split(std::string(trim(*free)), '\n'))
    if (!trim(l).empty()) line(out, std::string(trim(l)));
  return out;
}

}  // namespace runz::backends::partition
