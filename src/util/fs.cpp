#include "util/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace runz {

Result<Fd> open_fd(const std::string& path, int flags, mode_t mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return fail_sys("open " + path);
  return Fd(fd);
}

Result<std::string> read_fd(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("read");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  TRY(Fd fd, open_fd(path, O_RDONLY));
  return with_context(read_fd(fd.get()), path);
}

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("write");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void> write_existing(const std::string& path, std::string_view data) {
  TRY(Fd fd, open_fd(path, O_WRONLY));
  return with_context(write_all(fd.get(), data), "write " + path);
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  {
    TRY(Fd fd, open_fd(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode));
    TRYV(with_context(write_all(fd.get(), data), "write " + tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail_sys("rename " + tmp, err);
  }
  return {};
}

Result<void> mkdir_p(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return {};
  if (errno != ENOENT) return fail_sys("mkdir " + path);
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) TRYV(mkdir_p(path.substr(0, slash), mode));
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return fail_sys("mkdir " + path);
  return {};
}

static Result<void> remove_tree_at(int dirfd, const char* name) {
  if (::unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return {};
  if (errno != EISDIR && errno != EPERM) return fail_sys(std::string("unlink ") + name);
  int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail_sys(std::string("open ") + name);
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return fail_sys("fdopendir");
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  Result<void> r;
  for (auto& n : names)
    if (r) r = remove_tree_at(::dirfd(dir), n.c_str());
  ::closedir(dir);
  if (!r) return r;
  if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    return fail_sys(std::string("rmdir ") + name);
  return {};
}

Result<void> remove_tree(const std::string& path) { return remove_tree_at(AT_FDCWD, path.c_str()); }

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string path_join(std::string_view a, std::string_view b) {
  std::string out(a);
  if (out.empty() || out.back() != '/') out += '/';
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out += b;
  return out;
}

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

std::optional<std::string> find_in_path(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos)
    return ::access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
  const char* env = std::getenv("PATH");
  std::string_view dirs = env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (dir.empty()) continue;
    std::string candidate = path_join(dir, name);
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

}  // namespace runz
