#include "core/features.hpp"

#include <nlohmann/json.hpp>

#include "linux/mount_options.hpp"
#include "linux/seccomp.hpp"
#include "oci/spec.hpp"
#include "oci/state.hpp"

namespace runz::core {

std::string features_json() {
  using json = nlohmann::json;
  json linux_section = {
      {"namespaces", oci::namespace_types()},
      {"capabilities", oci::known_capabilities()},
      {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", true}}},
      {"seccomp",
       {{"enabled", true},
        {"actions", linux::seccomp_known_actions()},
        {"operators", linux::seccomp_known_operators()},
        {"archs", linux::seccomp_known_architectures()},
        {"knownFlags", linux::seccomp_known_flags()},
        {"supportedFlags", linux::seccomp_supported_flags()}}},
      // AppArmor, SELinux and Intel RDT are not available: say so.
      {"apparmor", {{"enabled", false}}},
      {"selinux", {{"enabled", false}}},
      {"intelRdt", {{"enabled", false}}},
      {"mountExtensions", {{"idmap", {{"enabled", false}}}}},
  };
  json doc = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", oci::kOciVersion},
      {"hooks", {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
      {"mountOptions", linux::known_mount_options()},
      {"linux", linux_section},
      {"annotations", {{"io.github.runz.version", RUNZ_VERSION}, {"io.github.runz.kinds", "process,vm,partition"}}},
  };
  return doc.dump(2);
}

}  // namespace runz::core
