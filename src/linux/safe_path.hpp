// Paths inside a container's root resolved so that no symlink or ".." leads out of it
// (openat2 RESOLVE_IN_ROOT: symlinks are resolved as if the root were "/").
#pragma once

#include <sys/types.h>

#include <string>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::linux {

// openat2(root, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve).
Result<Fd> open_in_root(int rootfd, const std::string& path, int flags, uint64_t extra_resolve = 0);
// mkdir -p inside root; returns an O_PATH fd of the final directory.
Result<Fd> mkdir_all_in_root(int rootfd, const std::string& path, mode_t mode = 0755);
// Make sure `path` exists inside root as a directory (dir) or a regular file (!dir),
// creating what is missing; returns an O_PATH fd of it.
Result<Fd> ensure_in_root(int rootfd, const std::string& path, bool dir);
// "/proc/self/fd/N": a path that names exactly the object an fd refers to.
std::string fd_path(int fd);

}  // namespace runz::linux
