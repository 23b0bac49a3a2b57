// What runz keeps about a container under --root, and the OCI state document it prints.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::oci {

inline constexpr const char* kOciVersion = "1.2.0";

// The persistent record of one container (<root>/<id>/state.json).
struct ContainerRecord {
  std::string id;
  std::string kind = "process";       // process | vm | partition
  pid_t pid = 0;                      // the init, as seen from the host
  uint64_t pid_start = 0;             // /proc/<pid>/stat starttime, guards against pid reuse
  std::string bundle;
  std::string rootfs;
  std::string created;                // RFC 3339, UTC
  std::string owner;
  std::map<std::string, std::string> annotations;
  std::string cgroup_path;            // resolved cgroups path, "" when none was made
  bool cgroup_owned = false;          // runz created it, so runz removes it
  std::vector<Hook> poststop;         // run on delete, from the config seen at create
  std::vector<Hook> poststart;        // run by start
};

std::string record_to_json(const ContainerRecord& r);
Result<ContainerRecord> record_from_json(std::string_view text);

// The state document of runtime.md for `runz state` and the hooks' stdin.
std::string state_json(const ContainerRecord& r, std::string_view status, bool pretty);
// The message sent with a seccomp notify fd to listenerPath (seccomp-notify.md).
std::string seccomp_listener_state(const std::string& metadata, const std::string& state_json);
// runc's `list --format json` entry shape.
std::string list_json(const std::vector<std::pair<ContainerRecord, std::string>>& entries);

}  // namespace runz::oci
