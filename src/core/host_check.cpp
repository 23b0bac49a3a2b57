#include "core/host_check.hpp"

#include <sys/utsname.h>

#include "backends/partition/partition_check.hpp"
#include "backends/vm/vm_check.hpp"
#include "linux/cgroup.hpp"
#include "util/fs.hpp"

namespace runz::core {
namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string runtime_lines(const backends::HostContext& host) {
  utsname u{};
  ::uname(&u);
  std::string out = "runz: version " RUNZ_VERSION "\n";
  out += std::string("host: kernel ") + u.release + " " + u.machine + "\n";
  out += "host: configuration " + host.config_path + (path_exists(host.config_path) ? "" : " (absent: built-in defaults)") + "\n";
  return out;
}

std::string process_lines() {
  std::string out = "cgroups: layout " + std::string(linux::layout_name(linux::detect_cgroup_layout())) + "\n";
  out += "process: user namespaces " + yes_no(path_exists("/proc/self/ns/user")) + ", time namespaces " +
         yes_no(path_exists("/proc/self/ns/time")) + ", systemd " + yes_no(path_exists("/run/systemd/system")) + "\n";
  return out;
}

}  // namespace

std::string host_report(const backends::HostContext& host) {
  return runtime_lines(host) + process_lines() + backends::vm::vm_host_report(host) +
         backends::partition::partition_host_report(host);
}

}  // namespace runz::core
