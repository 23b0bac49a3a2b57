// The rules of config.md / config-linux.md that can be checked without touching the host.
#include <algorithm>
#include <set>

#include "oci/spec.hpp"
#include "util/strings.hpp"

namespace runz::oci {
namespace {

bool known(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

Result<void> check_capability_list(const std::vector<std::string>& caps, std::string_view set) {
  for (auto& c : caps)
    if (!known(known_capabilities(), c))
      return fail_user("process.capabilities." + std::string(set) + ": unknown capability \"" + c + "\"");
  return {};
}

}  // namespace

Result<void> validate_process(const Process& p) {
  if (p.args.empty()) return fail_user("process.args: must not be empty");
  if (p.cwd.empty() || p.cwd[0] != '/') return fail_user("process.cwd: must be an absolute path, got \"" + p.cwd + "\"");
  if (p.capabilities) {
    auto& c = *p.capabilities;
    TRYV(check_capability_list(c.bounding, "bounding"));
    TRYV(check_capability_list(c.effective, "effective"));
    TRYV(check_capability_list(c.inheritable, "inheritable"));
    TRYV(check_capability_list(c.permitted, "permitted"));
    TRYV(check_capability_list(c.ambient, "ambient"));
  }
  std::set<std::string> seen;
  for (auto& r : p.rlimits) {
    if (!rlimit_number(r.type)) return fail_user("process.rlimits: unknown rlimit type \"" + r.type + "\"");
    if (!seen.insert(r.type).second) return fail_user("process.rlimits: duplicate type \"" + r.type + "\"");
    if (r.soft > r.hard) return fail_user("process.rlimits: " + r.type + ": soft limit exceeds hard limit");
  }
  for (auto& e : p.env)
    if (e.find('=') == std::string::npos || e.front() == '=')
      return fail_user("process.env: \"" + e + "\" is not of the form KEY=value");
  return {};
}

namespace {

Result<void> validate_hooks(const std::vector<Hook>& hooks, std::string_view name) {
  for (auto& h : hooks) {
    if (h.path.empty() || h.path[0] != '/')
      return fail_user("hooks." + std::string(name) + ": path must be absolute, got \"" + h.path + "\"");
    if (h.timeout && *h.timeout <= 0)
      return fail_user("hooks." + std::string(name) + ": timeout must be greater than zero");
  }
  return {};
}

Result<void> validate_namespaces(const Linux& l) {
  std::set<std::string> seen;
  for (auto& n : l.namespaces) {
    if (!known(namespace_types(), n.type)) return fail_user("linux.namespaces: unknown type \"" + n.type + "\"");
    if (!seen.insert(n.type).second) return fail_user("linux.namespaces: duplicate type \"" + n.type + "\"");
    if (!n.path.empty() && n.path[0] != '/')
      return fail_user("linux.namespaces: " + n.type + " path must be absolute, got \"" + n.path + "\"");
  }
  const Namespace* user = l.find_namespace("user");
  bool maps = !l.uid_mappings.empty() || !l.gid_mappings.empty();
  if (maps && !user) return fail_user("linux.uidMappings: id mappings given but no user namespace");
  if (user && user->path.empty() && (l.uid_mappings.empty() || l.gid_mappings.empty()))
    return fail_user("linux.namespaces: a new user namespace needs uidMappings and gidMappings");
  if (user && !user->path.empty() && maps)
    return fail_user("linux.uidMappings: cannot set id mappings when joining a user namespace by path");
  for (auto* list : {&l.uid_mappings, &l.gid_mappings})
    for (auto& m : *list)
      if (m.size == 0) return fail_user("linux.uidMappings/gidMappings: size must be greater than zero");
  if (!l.time_offsets.empty()) {
    const Namespace* t = l.find_namespace("time");
    if (!t || !t->path.empty()) return fail_user("linux.timeOffsets: needs a new time namespace");
    for (auto& [clock, off] : l.time_offsets) {
      if (clock != "monotonic" && clock != "boottime")
        return fail_user("linux.timeOffsets: unknown clock \"" + clock + "\"");
      if (off.nanosecs >= 1000000000u) return fail_user("linux.timeOffsets: nanosecs must be below 1e9");
    }
  }
  return {};
}

// A sysctl is only allowed when it belongs to a namespace the container does not share.
Result<void> validate_sysctl(const Linux& l) {
  auto own = [&](std::string_view type) {
    const Namespace* n = l.find_namespace(type);
    return n != nullptr;
  };
  static const std::set<std::string> ipc_keys = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                                 "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                                 "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (auto& [key, value] : l.sysctl) {
    if (key.empty() || key.find("..") != std::string::npos || key.front() == '.' || key.front() == '/')
      return fail_user("linux.sysctl: invalid key \"" + key + "\"");
    bool ok = false;
    if (ipc_keys.contains(key) || key.starts_with("fs.mqueue.")) ok = own("ipc");
    else if (key.starts_with("net.")) ok = own("network");
    else if (key == "kernel.hostname" || key == "kernel.domainname") ok = own("uts");
    if (!ok) return fail_user("linux.sysctl: \"" + key + "\" is not in a namespace the container owns");
  }
  return {};
}

Result<void> validate_devices(const Linux& l) {
  for (auto& d : l.devices) {
    if (d.path.empty() || d.path[0] != '/') return fail_user("linux.devices: path must be absolute, got \"" + d.path + "\"");
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
      return fail_user("linux.devices: " + d.path + ": type must be c, b, u or p");
    if (d.major < 0 || d.minor < 0 || d.major > 0xfff || d.minor > 0xfffff)
      return fail_user("linux.devices: " + d.path + ": major/minor out of range");
  }
  return {};
}

Result<void> validate_linux(const Spec& s) {
  auto& l = s.linux;
  TRYV(validate_namespaces(l));
  TRYV(validate_sysctl(l));
  TRYV(validate_devices(l));
  static const std::set<std::string> propagation = {"", "shared", "slave", "private", "unbindable",
                                                    "rshared", "rslave", "rprivate", "runbindable"};
  if (!propagation.contains(l.rootfs_propagation))
    return fail_user("linux.rootfsPropagation: unknown value \"" + l.rootfs_propagation + "\"");
  if (l.personality_domain && *l.personality_domain != "LINUX" && *l.personality_domain != "LINUX32")
    return fail_user("linux.personality.domain: must be LINUX or LINUX32");
  if (!s.hostname.empty() && !l.has_namespace("uts"))
    return fail_user("hostname: cannot set a hostname without a private UTS namespace");
  if (!s.domainname.empty() && !l.has_namespace("uts"))
    return fail_user("domainname: cannot set a domainname without a private UTS namespace");
  return {};
}

}  // namespace

Result<void> validate_spec(const Spec& s) {
  if (s.oci_version.empty()) return fail_user("ociVersion: required");
  if (!s.oci_version.starts_with("1.")) return fail_user("ociVersion: unsupported version \"" + s.oci_version + "\"");
  if (s.root.path.empty()) return fail_user("root.path: required");
  if (s.process) TRYV(validate_process(*s.process));
  for (auto& m : s.mounts)
    if (m.destination.empty()) return fail_user("mounts: destination is required");
  auto& h = s.hooks;
  TRYV(validate_hooks(h.prestart, "prestart"));
  TRYV(validate_hooks(h.create_runtime, "createRuntime"));
  TRYV(validate_hooks(h.create_container, "createContainer"));
  TRYV(validate_hooks(h.start_container, "startContainer"));
  TRYV(validate_hooks(h.poststart, "poststart"));
  TRYV(validate_hooks(h.poststop, "poststop"));
  for (auto& [k, _] : s.annotations)
    if (k.empty()) return fail_user("annotations: keys must not be empty");
  return validate_linux(s);
}

}  // namespace runz::oci
