// The container's filesystem view, built inside its new mount namespace: the rootfs bind,
// config.json mounts in order, /dev, pivot_root, masked and read-only paths.
#pragma once

#include <string>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

struct RootfsPlan {
  const oci::Spec* spec = nullptr;
  std::string rootfs;       // absolute host path
  std::string bundle;       // relative bind sources are relative to it
  std::string cgroup_path;  // the container's cgroup, for "cgroup" mounts
  bool no_pivot = false;
};

// Before pivot: make the mount tree a slave of the host's, bind the rootfs onto itself,
// then perform config.json mounts and populate /dev.
Result<void> mount_rootfs(const RootfsPlan& plan);
// On a pure cgroup v2 host, "cgroup" mounts wait for this call, made once the init is in
// its cgroup namespace (mount_rootfs skips them).
Result<void> mount_cgroup2(const RootfsPlan& plan);
// pivot_root into the rootfs (or MS_MOVE + chroot with no_pivot) and drop the old root.
Result<void> enter_rootfs(const RootfsPlan& plan);
// After pivot: rootfsPropagation, maskedPaths, readonlyPaths, root.readonly.
Result<void> finish_rootfs(const RootfsPlan& plan);

}  // namespace runz::linux
