#include "linux/device_rules.hpp"

#include <map>
#include <set>
#include <string>

#include "linux/cgroup_files.hpp"
#include "util/strings.hpp"

namespace runz::linux {
namespace {

DeviceRule allow(char type, std::optional<int64_t> major, std::optional<int64_t> minor, std::string access) {
  DeviceRule d;
  d.allow = true;
  d.type = type;
  d.major = major;
  d.minor = minor;
  d.access = std::move(access);
  return d;
}

}  // namespace

const std::vector<DeviceRule>& default_allowed_devices() {
  static const std::vector<DeviceRule> rules = {
      allow('c', std::nullopt, std::nullopt, "m"),  // mknod of any char device
      allow('b', std::nullopt, std::nullopt, "m"),  // and of any block device
      allow('c', 1, 3, "rwm"),                      // /dev/null
      allow('c', 1, 8, "rwm"),                      // /dev/random
      allow('c', 1, 7, "rwm"),                      // /dev/full
      allow('c', 5, 0, "rwm"),                      // /dev/tty
      allow('c', 1, 5, "rwm"),                      // /dev/zero
      allow('c', 1, 9, "rwm"),                      // /dev/urandom
      allow('c', 136, std::nullopt, "rwm"),         // /dev/pts/* (and /dev/console bound to one)
      allow('c', 5, 2, "rwm"),                      // /dev/ptmx
      allow('c', 10, 200, "rwm"),                   // /dev/net/tun
  };
  return rules;
}

std::vector<DeviceRule> container_device_rules(const std::vector<DeviceRule>& spec_rules,
                                               const std::vector<oci::Device>& linux_devices) {
  if (spec_rules.empty()) return {};
  std::vector<DeviceRule> out = spec_rules;
  for (auto& d : linux_devices) {
    if (d.type == "c" || d.type == "u") out.push_back(allow('c', d.major, d.minor, "rwm"));
    else if (d.type == "b") out.push_back(allow('b', d.major, d.minor, "rwm"));
  }
  for (auto& r : default_allowed_devices()) out.push_back(r);
  return out;
}

namespace {

using DeviceAccess = std::map<std::string, std::set<char>>;  // "c 1:3" → {r, w, m}

// Adds "c 1:3 rwm" to the map (the kernel merges the access of equal entries); false when
// the line is not of that form.
bool add_line(DeviceAccess& out, std::string_view line) {
  auto parts = split(trim(line), ' ');
  if (parts.size() != 3 || parts[0].size() != 1) return false;
  auto& access = out[parts[0] + " " + parts[1]];
  for (char c : parts[2]) access.insert(c);
  return true;
}

}  // namespace

bool v1_device_list_matches(std::string_view devices_list, const std::vector<DeviceRule>& rules) {
  if (rules.empty()) return false;
  const DeviceRule& first = rules.front();
  bool deny_all = !first.allow && first.type == 'a' && (!first.major || *first.major < 0) &&
                  (!first.minor || *first.minor < 0) && (first.access.empty() || first.access.size() == 3);
  if (!deny_all) return false;
  DeviceAccess want, have;
  for (size_t i = 1; i < rules.size(); ++i) {
    if (!rules[i].allow) return false;
    if (!add_line(want, device_rule_line(rules[i]))) return false;
  }
  for (auto& line : split(devices_list, '\n')) {
    if (trim(line).empty()) continue;
    if (!add_line(have, line)) return false;
  }
  return want == have;
}

}  // namespace runz::linux
