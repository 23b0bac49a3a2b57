#include "linux/safe_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {

Result<Fd> open_in_root(int rootfd, const std::string& path, int flags, uint64_t extra_resolve) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve;
  std::string rel = clean_path(path).substr(1);
  if (rel.empty()) rel = ".";
  for (;;) {
    long fd = ::syscall(SYS_openat2, rootfd, rel.c_str(), &how, sizeof how);
    if (fd >= 0) return Fd(static_cast<int>(fd));
    if (errno != EINTR && errno != EAGAIN) return fail_sys(path);
  }
}

Result<Fd> mkdir_all_in_root(int rootfd, const std::string& path, mode_t mode) {
  std::string sofar;
  Fd dir(::fcntl(rootfd, F_DUPFD_CLOEXEC, 3));
  for (auto& part : split(clean_path(path), '/')) {
    if (part.empty()) continue;
    sofar += "/" + part;
    auto next = open_in_root(rootfd, sofar, O_PATH | O_DIRECTORY);
    if (!next && next.error().code == ENOENT) {
      if (::mkdirat(dir.get(), part.c_str(), mode) != 0 && errno != EEXIST)
        return fail_sys("mkdir " + sofar);
      next = open_in_root(rootfd, sofar, O_PATH | O_DIRECTORY);
    }
    if (!next) return fail(std::move(next.error()));
    dir = std::move(*next);
  }
  return dir;
}

Result<Fd> ensure_in_root(int rootfd, const std::string& path, bool dir) {
  if (dir) return mkdir_all_in_root(rootfd, path);
  auto existing = open_in_root(rootfd, path, O_PATH);
  if (existing || existing.error().code != ENOENT) return existing;
  std::string clean = clean_path(path);
  auto slash = clean.find_last_of('/');
  TRY(Fd parent, mkdir_all_in_root(rootfd, clean.substr(0, slash)));
  std::string name = clean.substr(slash + 1);
  // O_PATH fds cannot create: reopen the parent as a real directory fd.
  Fd pdir(::openat(parent.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!pdir) return fail_sys("open parent of " + path);
  Fd f(::openat(pdir.get(), name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!f && errno != EEXIST) return fail_sys("create " + path);
  return open_in_root(rootfd, path, O_PATH);
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

}  // namespace runz::linux
