// config.json as typed C++ values. Parsing and validation live in spec_parse.cpp and
// spec_validate.cpp; nothing here pulls in the JSON library.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace runz::oci {

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  uint64_t soft = 0;
  uint64_t hard = 0;
};

struct CapabilitySets {
  std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  User user;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  std::optional<CapabilitySets> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::string apparmor_profile;
  std::string selinux_label;
  std::optional<int> oom_score_adj;
};

struct Root {
  std::string path;
  bool readonly = false;
};

struct Mount {
  std::string destination;  // cleaned, absolute, inside the container
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;  // seconds, > 0
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart,
      poststop;
};

struct Namespace {
  std::string type;  // pid network mount ipc uts user cgroup time
  std::string path;  // empty: create a new one
};

struct Device {
  std::string type;  // c, b, u, p
  std::string path;
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

struct TimeOffset {
  int64_t secs = 0;
  uint32_t nanosecs = 0;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::map<std::string, std::string> sysctl;
  std::string cgroups_path;
  std::string resources_json;  // linux.resources as JSON text, applied by the cgroup layer
  std::string seccomp_json;    // linux.seccomp as JSON text, compiled by the seccomp layer
  std::string seccomp_listener_path;  // linux.seccomp.listenerPath, for SCMP_ACT_NOTIFY
  std::vector<Device> devices;
  std::vector<std::string> masked_paths, readonly_paths;
  std::string rootfs_propagation;
  std::string mount_label;
  std::optional<std::string> personality_domain;  // LINUX or LINUX32
  std::map<std::string, TimeOffset> time_offsets;  // monotonic, boottime

  const Namespace* find_namespace(std::string_view type) const;
  bool has_namespace(std::string_view type) const { return find_namespace(type) != nullptr; }
};

struct Spec {
  std::string oci_version;
  std::optional<Process> process;
  Root root;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  Linux linux;
};

// Parse config.json text. Unknown fields are ignored, as the spec asks; wrong types and
// out-of-range values fail with the field's path ("process.user.uid: ...").
Result<Spec> parse_spec(std::string_view json);
// A process.json as `runz exec --process` takes it (the "process" object of config.json).
Result<Process> parse_process_json(std::string_view json);
// The rules for a process (args, cwd, capabilities, rlimits, env).
Result<void> validate_process(const Process& process);
// <bundle>/config.json read once: the validated spec and the text it came from (which
// create keeps beside the container's state).
struct BundleConfig {
  std::string text;
  Spec spec;
};
Result<BundleConfig> load_bundle_config(const std::string& bundle);
// Read <bundle>/config.json, parse and validate it.
Result<Spec> load_spec(const std::string& bundle);
// The rules of config.md and config-linux.md that do not need the host.
Result<void> validate_spec(const Spec& spec);

// Capability names the runtime knows (CAP_CHOWN ...), in kernel order.
const std::vector<std::string>& known_capabilities();
// Resource limit names (RLIMIT_CPU ...) and their numbers.
std::optional<int> rlimit_number(std::string_view name);
const std::vector<std::string>& known_rlimits();

// Namespace type names of the spec, in the order they must be joined or created.
const std::vector<std::string>& namespace_types();

}  // namespace runz::oci
