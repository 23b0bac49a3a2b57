// The devices-cgroup rules a container gets: the spec's linux.resources.devices, then an
// allow rule for each linux.devices entry, then the devices every container needs (runc's
// AllowedDevices: /dev/null, zero, full, random, urandom, tty, ptmx, pts/*, net/tun, and
// mknod of any char or block device). Without the last two, the usual deny-all first rule
// would make /dev/null unusable inside the container.
#pragma once

#include <string_view>
#include <vector>

#include "linux/resources.hpp"
#include "oci/spec.hpp"

namespace runz::linux {

// runc's AllowedDevices, in its order.
const std::vector<DeviceRule>& default_allowed_devices();

// spec_rules, then "allow rwm" for each linux.devices entry (c/u as 'c', b as 'b'; fifos,
// type p, are not subject to the devices cgroup), then default_allowed_devices(). An empty
// spec_rules stays empty: nothing was restricted, so nothing needs allowing.
std::vector<DeviceRule> container_device_rules(const std::vector<DeviceRule>& spec_rules,
                                               const std::vector<oci::Device>& linux_devices);

// True when a cgroup v1 devices.list (lines like "c 1:3 rwm") already holds exactly what
// `rules` would leave there: a deny-all first rule, then allow rules only (every container's
// shape). `update` then skips writing them again, which would deny every device for a moment.
bool v1_device_list_matches(std::string_view devices_list, const std::vector<DeviceRule>& rules);

}  // namespace runz::linux
