// process.args[0] of a vm container, found inside the rootfs the way an exec would find it
// (a path, or a name searched in the process's PATH), without ever leaving the rootfs.
#pragma once

#include <string>

#include "backends/vm/guest_image.hpp"
#include "oci/spec.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

struct GuestFile {
  std::string in_root;  // the path inside the rootfs
  Fd fd;                // open read-only on the regular file
};

Result<GuestFile> open_guest_file(const std::string& rootfs, const oci::Process& process);

struct GuestSource {
  GuestFile file;
  GuestImage image;
};

// The image a vm container boots: process.args[0] when it is a guest kernel; else, in an
// image with runPHI's boot config (and no partitioning backend to run it), the kernel or
// inmate it names; else args[0] as it is (a Linux program, for a Linux guest).
// `has_boot_config`: partition::has_boot_config(rootfs), which the caller knows already.
Result<GuestSource> find_guest(const oci::Spec& spec, const std::string& rootfs, bool has_boot_config);
// Opens `path` (absolute, inside the rootfs) as a regular file.
Result<Fd> open_in_rootfs(const std::string& rootfs, const std::string& path);

}  // namespace runz::backends::vm
