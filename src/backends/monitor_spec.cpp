#include "backends/monitor_spec.hpp"

namespace runz::backends {

oci::Spec monitor_spec(const oci::Spec& container, std::vector<std::string> args,
                       std::vector<std::string> capabilities) {
  oci::Spec s = container;
  oci::Process p;  // cwd "/", user 0:0
  if (container.process) {
    p.terminal = container.process->terminal;
    p.console_size = container.process->console_size;
    p.rlimits = container.process->rlimits;
    p.oom_score_adj = container.process->oom_score_adj;
  }
  p.args = std::move(args);
  p.env.emplace_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  p.no_new_privileges = true;
  p.capabilities = oci::CapabilitySets{capabilities, capabilities, {}, capabilities, {}};
  s.process = std::move(p);
  s.mounts.clear();
  s.linux.devices.clear();
  s.linux.masked_paths.clear();
  s.linux.readonly_paths.clear();
  s.linux.seccomp_json.clear();
  s.linux.seccomp_listener_path.clear();
  if (!s.linux.has_namespace("mount")) s.linux.namespaces.push_back(oci::Namespace{"mount", ""});
  return s;
}

}  // namespace runz::backends
