// Small file-system helpers with Result errors.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz {

Result<std::string> read_file(const std::string& path);
Result<std::string> read_fd(int fd);
// Write the whole buffer to an existing file (sysfs, procfs, cgroupfs): no create, no truncate.
Result<void> write_existing(const std::string& path, std::string_view data);
// Write to a temporary file and rename it into place, so readers see old or new, never half.
Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);
Result<void> write_all(int fd, std::string_view data);
Result<void> mkdir_p(const std::string& path, mode_t mode = 0755);
// Remove a directory tree; missing is not an error.
Result<void> remove_tree(const std::string& path);
bool path_exists(const std::string& path);
// A host program by name: `name` itself when it holds a '/', else the first executable
// <dir>/<name> along $PATH (a standard PATH when unset).
std::optional<std::string> find_in_path(const std::string& name);
std::string path_join(std::string_view a, std::string_view b);
// Lexically clean an absolute path: collapse //, ., and .. (never above /).
std::string clean_path(std::string_view path);
Result<Fd> open_fd(const std::string& path, int flags, mode_t mode = 0);

}  // namespace runz
