#include "core/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "util/fs.hpp"

namespace runz::core {

Result<void> validate_id(std::string_view id) {
  if (id.empty()) return fail_user("container id cannot be empty");
  if (id.size() > 1024) return fail_user("invalid container id: longer than 1024 characters");
  if (id == "." || id == "..") return fail_user("invalid container id \"" + std::string(id) + "\"");
  for (unsigned char c : id)
    if (!(std::isalnum(c) || c == '_' || c == '+' || c == '-' || c == '.'))
      return fail_user("invalid container id \"" + std::string(id) + "\": only letters, digits and _+-. are allowed");
  return {};
}

Result<oci::ContainerRecord> ContainerDir::load() const {
  auto text = read_file(file("state.json"));
  if (!text) {
    if (text.error().code == ENOENT) return fail(Error{ENOENT, "container is being created"});
    return fail(std::move(text.error()));
  }
  return oci::record_from_json(*text);
}

Result<void> ContainerDir::save(const oci::ContainerRecord& record) const {
  return write_file_atomic(file("state.json"), oci::record_to_json(record), 0600);
}

Result<void> ContainerDir::remove() {
  auto r = remove_tree(path_);
  lock_.reset();
  return r;
}

static Result<Fd> lock_dir(const std::string& path, bool exclusive) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  while (::flock(fd.get(), exclusive ? LOCK_EX : LOCK_SH) != 0)
    if (errno != EINTR) return fail_sys("lock " + path);
  return fd;
}

Result<ContainerDir> Store::create(std::string_view id) const {
  TRYV(validate_id(id));
  if (::mkdir(root_.c_str(), 0700) != 0 && errno != EEXIST) TRYV(mkdir_p(root_, 0700));
  std::string path = root_ + "/" + std::string(id);
  if (::mkdir(path.c_str(), 0700) != 0) {
    if (errno == EEXIST) return fail(Error{EEXIST, "container with id \"" + std::string(id) + "\" already exists"});
    return fail_sys("create " + path);
  }
  auto lock = lock_dir(path, true);
  if (!lock) {
    ::rmdir(path.c_str());
    return fail(std::move(lock.error()));
  }
  return ContainerDir(path, std::move(*lock));
}

Result<ContainerDir> Store::open(std::string_view id, bool exclusive) const {
  TRYV(validate_id(id));
  std::string path = root_ + "/" + std::string(id);
  auto lock = lock_dir(path, exclusive);
  if (!lock) {
    if (lock.error().code == ENOENT || lock.error().code == ENOTDIR)
      return fail(Error{ENOENT, "container \"" + std::string(id) + "\" does not exist"});
    return fail(std::move(lock.error()));
  }
  // A delete that held the lock before us may have removed the directory meanwhile.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return fail(Error{ENOENT, "container \"" + std::string(id) + "\" does not exist"});
  return ContainerDir(path, std::move(*lock));
}

Result<std::vector<std::string>> Store::ids() const {
  std::vector<std::string> out;
  DIR* d = ::opendir(root_.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return fail_sys("open " + root_);
  }
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    struct stat st;
    bool dir = e->d_type == DT_DIR ||
               (e->d_type == DT_UNKNOWN && ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode));
    if (dir && validate_id(n)) out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace runz::core
