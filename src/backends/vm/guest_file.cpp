#include "backends/vm/guest_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "linux/safe_path.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {
namespace {

std::string path_of(const std::vector<std::string>& env) {
  for (auto& e : env)
    if (e.starts_with("PATH=")) return e.substr(5);
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

}  // namespace

Result<Fd> open_in_rootfs(const std::string& rootfs, const std::string& path) {
  TRY(Fd root, open_fd(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC));
  TRY(Fd fd, linux::open_in_root(root.get(), path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return fail_sys(path);
  if (!S_ISREG(st.st_mode)) return fail_user(path + " is not a regular file");
  return fd;
}

Result<GuestFile> open_guest_file(const std::string& rootfs, const oci::Process& process) {
  if (process.args.empty() || process.args[0].empty()) return fail_user("process.args is empty");
  const std::string& name = process.args[0];
  std::vector<std::string> candidates;
  if (name.find('/') != std::string::npos)
    candidates.push_back(name[0] == '/' ? name : path_join(process.cwd, name));
  else
    for (auto& dir : split(path_of(process.env), ':'))
      if (!dir.empty()) candidates.push_back(path_join(dir, name));
  for (auto& path : candidates) {
    auto fd = open_in_rootfs(rootfs, path);
    if (fd) return GuestFile{clean_path(path), std::move(*fd)};
    if (fd.error().code != ENOENT && fd.error().code != ENOTDIR)
      return fail_user("process.args[0] \"" + name + "\": " + fd.error().message);
  }
  return fail_user("process.args[0] \"" + name + "\": no such file in the container's rootfs");
}

}  // namespace runz::backends::vm
