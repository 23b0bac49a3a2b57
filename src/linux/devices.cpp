#include "linux/devices.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/safe_path.hpp"
#include "util/fs.hpp"

namespace runz::linux {
namespace {

struct DefaultDevice {
  const char* path;
  int64_t major, minor;
};
constexpr DefaultDevice kDefaults[] = {
    {"/dev/null", 1, 3}, {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

mode_t type_bits(const std::string& type) {
  if (type == "b") return S_IFBLK;
  if (type == "p") return S_IFIFO;
  return S_IFCHR;  // c and u
}

// mknod inside root; where that is not allowed (a user namespace), bind the host's node.
Result<void> make_node(int rootfd, const oci::Device& d) {
  std::string clean = clean_path(d.path);
  auto slash = clean.find_last_of('/');
  TRY(Fd parent_path, mkdir_all_in_root(rootfd, clean.substr(0, slash)));
  Fd parent(::openat(parent_path.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent) return fail_sys("open parent of " + d.path);
  std::string name = clean.substr(slash + 1);
  ::unlinkat(parent.get(), name.c_str(), 0);
  mode_t mode = type_bits(d.type) | (d.file_mode ? (*d.file_mode & 07777) : 0666);
  dev_t dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
  if (::mknodat(parent.get(), name.c_str(), mode, dev) == 0) {
    if (::fchmodat(parent.get(), name.c_str(), mode & 07777, 0) != 0) return fail_sys("chmod " + d.path);
    if (::fchownat(parent.get(), name.c_str(), d.uid.value_or(0), d.gid.value_or(0), AT_SYMLINK_NOFOLLOW) != 0)
      return fail_sys("chown " + d.path);
    return {};
  }
  if (errno != EPERM) return fail_sys("mknod " + d.path);
  Fd f(::openat(parent.get(), name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!f) return fail_sys("create " + d.path);
  TRY(Fd target, open_in_root(rootfd, clean, O_PATH));
  std::string host = clean;  // the host's node of the same path
  if (::mount(host.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) != 0)
    return fail_sys("bind device " + d.path);
  return {};
}

Result<void> make_link(int rootfd, const char* target, const char* name) {
  TRY(Fd dev_path, mkdir_all_in_root(rootfd, "/dev"));
  Fd dev(::openat(dev_path.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dev) return fail_sys("open /dev");
  if (::symlinkat(target, dev.get(), name) != 0 && errno != EEXIST)
    return fail_sys(std::string("link /dev/") + name);
  return {};
}

bool listed(const std::vector<oci::Device>& devices, const std::string& path) {
  for (auto& d : devices)
    if (clean_path(d.path) == path) return true;
  return false;
}

}  // namespace

Result<void> create_spec_devices(int rootfd, const std::vector<oci::Device>& devices) {
  for (auto& d : devices) TRYV(with_context(make_node(rootfd, d), "device " + d.path));
  return {};
}

Result<void> populate_dev(int rootfd, const std::vector<oci::Device>& devices) {
  for (auto& def : kDefaults) {
    if (listed(devices, def.path)) continue;
    oci::Device d{"c", def.path, def.major, def.minor, 0666, 0, 0};
    TRYV(with_context(make_node(rootfd, d), std::string("device ") + def.path));
  }
  TRYV(create_spec_devices(rootfd, devices));
  TRYV(make_link(rootfd, "pts/ptmx", "ptmx"));
  TRYV(make_link(rootfd, "/proc/self/fd", "fd"));
  TRYV(make_link(rootfd, "/proc/self/fd/0", "stdin"));
  TRYV(make_link(rootfd, "/proc/self/fd/1", "stdout"));
  TRYV(make_link(rootfd, "/proc/self/fd/2", "stderr"));
  return {};
}

}  // namespace runz::linux
