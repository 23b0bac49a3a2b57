// The spec a monitor init (vm: the VMM's parent; partition: the cell's owner) is built
// from: what of the container applies to a host-side program that stands for its workload.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace runz::backends {

// Kept from `container`: namespaces (a mount namespace is added: the monitor's mounts stay
// private), cgroup and resources, hooks, hostname, sysctl, rlimits, oomScoreAdj, terminal
// and console size, annotations. Replaced: the process runs `args` as root with only
// `capabilities` (every set) and no_new_privileges, in "/", with a fixed minimal
// environment: the image's env and user are the guest's, never the host program's (an
// LD_PRELOAD from an image must not reach a host binary). Dropped: mounts, devices, masked
// and readonly paths, seccomp (QEMU applies its own sandbox), AppArmor/SELinux labels.
oci::Spec monitor_spec(const oci::Spec& container, std::vector<std::string> args,
                       std::vector<std::string> capabilities);

}  // namespace runz::backends
