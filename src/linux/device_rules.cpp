#include "linux/device_rules.hpp"

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

}  // namespace runz::linux
