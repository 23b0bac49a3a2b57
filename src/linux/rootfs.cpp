#include "linux/rootfs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/devices.hpp"
#include "linux/mount_options.hpp"
#include "linux/safe_path.hpp"
#include "util/fs.hpp"

#ifndef RESOLVE_NO_SYMLINKS
#define RESOLVE_NO_SYMLINKS 0x04
#endif

namespace runz::linux {
namespace {

Result<void> do_mount(const char* src, const std::string& target, const char* type,
                      unsigned long flags, const std::string& data, const std::string& what) {
  if (::mount(src, target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) != 0)
    return fail_sys(what);
  return {};
}

// Flags a bind remount must keep because the kernel locks them on mounts from a more
// privileged namespace (nosuid, nodev, noexec, atime flags).
unsigned long locked_flags(const std::string& path) {
  struct statvfs sv;
  if (::statvfs(path.c_str(), &sv) != 0) return 0;
  unsigned long out = 0;
  if (sv.f_flag & ST_NOSUID) out |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) out |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) out |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY) out |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME) out |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) out |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) out |= MS_RELATIME;
  return out;
}

Result<void> remount_bind(const std::string& target, unsigned long flags, const std::string& what) {
  unsigned long f = MS_REMOUNT | MS_BIND | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT));
  if (::mount(nullptr, target.c_str(), nullptr, f, nullptr) == 0) return {};
  if (errno != EPERM) return fail_sys(what);
  f |= locked_flags(target) & ~MS_RDONLY;
  return do_mount(nullptr, target, nullptr, f, "", what);
}

Result<void> apply_mount_extras(const std::string& target, const MountOptions& o, const std::string& what) {
  for (unsigned long p : o.propagation) TRYV(do_mount(nullptr, target, nullptr, p, "", what + ": propagation"));
  if (o.attr_set || o.attr_clr) {
    Fd fd(::open(target.c_str(), O_PATH | O_CLOEXEC));
    if (!fd) return fail_sys(what + ": open for mount_setattr");
    mount_attr attr{};
    attr.attr_set = o.attr_set;
    attr.attr_clr = o.attr_clr;
    if (::syscall(SYS_mount_setattr, fd.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0)
      return fail_sys(what + ": mount_setattr");
  }
  return {};
}

std::string bind_source(const RootfsPlan& plan, const std::string& source) {
  if (source.empty() || source[0] == '/') return source;
  return path_join(plan.bundle, source);
}

Result<void> mount_cgroup_v1_tree(const RootfsPlan& plan, int rootfd, const oci::Mount& m,
                                  const MountOptions& o) {
  std::string what = "mount cgroup at " + m.destination;
  TRY(Fd dir, ensure_in_root(rootfd, m.destination, true));
  TRYV(do_mount("tmpfs", fd_path(dir.get()), "tmpfs", o.flags & ~MS_RDONLY, "mode=755", what));
  TRY(Fd top, open_in_root(rootfd, m.destination, O_RDONLY | O_DIRECTORY));
  std::vector<std::string> names;
  if (DIR* d = ::opendir("/sys/fs/cgroup")) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      if (e->d_type != DT_LNK) {
        names.push_back(n);
        continue;
      }
      // cpu -> cpu,cpuacct and friends: the same links inside.
      char buf[256];
      ssize_t len = ::readlink(("/sys/fs/cgroup/" + n).c_str(), buf, sizeof buf - 1);
      if (len > 0) {
        buf[len] = 0;
        if (::symlinkat(buf, top.get(), n.c_str()) != 0 && errno != EEXIST) {
          ::closedir(d);
          return fail_sys(what + ": link " + n);
        }
      }
    }
    ::closedir(d);
  }
  for (auto& n : names) {
    std::string src = "/sys/fs/cgroup/" + n + plan.cgroup_path;
    if (!path_exists(src)) continue;
    TRY(Fd sub, ensure_in_root(rootfd, m.destination + "/" + n, true));
    std::string t = fd_path(sub.get());
    TRYV(do_mount(src.c_str(), t, nullptr, MS_BIND | MS_REC, "", what + "/" + n));
    TRY(Fd mounted, open_in_root(rootfd, m.destination + "/" + n, O_PATH | O_DIRECTORY));
    TRYV(remount_bind(fd_path(mounted.get()), o.flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, what + "/" + n));
  }
  if (o.flags & MS_RDONLY)
    TRYV(do_mount(nullptr, fd_path(top.get()), nullptr, MS_REMOUNT | (o.flags & ~(MS_BIND | MS_REC)), "mode=755", what));
  return {};
}

bool pure_cgroup2() { return path_exists("/sys/fs/cgroup/cgroup.controllers"); }

Result<void> mount_cgroup2_at(const RootfsPlan& plan, int rootfd, const oci::Mount& m, const MountOptions& o) {
  std::string what = "mount cgroup2 at " + m.destination;
  TRY(Fd dir, ensure_in_root(rootfd, m.destination, true));
  std::string t = fd_path(dir.get());
  if (::mount("cgroup2", t.c_str(), "cgroup2", o.flags & ~(MS_BIND | MS_REC), nullptr) == 0) return {};
  // Without a cgroup namespace the kernel refuses: show the container's own subtree instead.
  std::string src = "/sys/fs/cgroup" + plan.cgroup_path;
  TRYV(do_mount(src.c_str(), t, nullptr, MS_BIND | MS_REC, "", what));
  TRY(Fd mounted, open_in_root(rootfd, m.destination, O_PATH | O_DIRECTORY));
  return remount_bind(fd_path(mounted.get()), o.flags, what);
}

Result<void> mount_one(const RootfsPlan& plan, int rootfd, const oci::Mount& m) {
  TRY(MountOptions o, parse_mount_options(m.options));
  std::string what = "mount " + m.destination;
  if (m.type == "cgroup") return pure_cgroup2() ? Result<void>{} : mount_cgroup_v1_tree(plan, rootfd, m, o);
  bool bind = o.bind() || m.type == "bind";
  if (bind) {
    std::string src = bind_source(plan, m.source);
    struct stat st;
    if (::stat(src.c_str(), &st) != 0) return fail_sys(what + ": bind source " + src);
    TRY(Fd target, ensure_in_root(rootfd, m.destination, S_ISDIR(st.st_mode)));
    TRYV(do_mount(src.c_str(), fd_path(target.get()), nullptr, MS_BIND | (o.flags & MS_REC), "", what));
    TRY(Fd mounted, open_in_root(rootfd, m.destination, O_PATH));
    std::string t = fd_path(mounted.get());
    if (o.flags & ~(MS_BIND | MS_REC)) TRYV(remount_bind(t, o.flags, what));
    return apply_mount_extras(t, o, what);
  }
  // proc and sysfs must not be mounted through a symlink (runc's rule): a rootfs with
  // /proc -> / would otherwise get procfs on top of its root.
  uint64_t extra = (m.type == "proc" || m.type == "sysfs") ? RESOLVE_NO_SYMLINKS : 0;
  TRY(Fd target, ensure_in_root(rootfd, m.destination, true));
  if (extra) TRYV(with_context(open_in_root(rootfd, m.destination, O_PATH, extra), what + ": destination is a symlink"));
  std::string t = fd_path(target.get());
  unsigned long flags = o.flags & ~(MS_BIND | MS_REC);
  if (::mount(m.source.c_str(), t.c_str(), m.type.c_str(), flags, o.data.empty() ? nullptr : o.data.c_str()) != 0) {
    // sysfs is refused in a user namespace without its own network namespace: bind the host's.
    if (!(m.type == "sysfs" && errno == EPERM)) return fail_sys(what);
    TRYV(do_mount("/sys", t, nullptr, MS_BIND | MS_REC, "", what));
    TRY(Fd mounted, open_in_root(rootfd, m.destination, O_PATH));
    TRYV(remount_bind(fd_path(mounted.get()), flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, what));
  }
  TRY(Fd mounted, open_in_root(rootfd, m.destination, O_PATH));
  return apply_mount_extras(fd_path(mounted.get()), o, what);
}

bool dev_is_tmpfs(const oci::Spec& spec) {
  for (auto& m : spec.mounts)
    if (clean_path(m.destination) == "/dev") return m.type != "bind";
  return false;
}

Result<void> mask_path(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return fail_sys("mask " + path);
  }
  if (S_ISDIR(st.st_mode))
    return do_mount("tmpfs", path, "tmpfs", MS_RDONLY, "", "mask " + path);
  return do_mount("/dev/null", path, nullptr, MS_BIND, "", "mask " + path);
}

Result<void> readonly_path(const std::string& path) {
  if (::mount(path.c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    if (errno == ENOENT) return {};
    return fail_sys("make " + path + " read-only");
  }
  return remount_bind(path, MS_RDONLY | MS_REC, "make " + path + " read-only");
}

unsigned long propagation_flags(const std::string& name) {
  if (name == "shared") return MS_SHARED;
  if (name == "rshared") return MS_SHARED | MS_REC;
  if (name == "slave") return MS_SLAVE;
  if (name == "rslave") return MS_SLAVE | MS_REC;
  if (name == "private") return MS_PRIVATE;
  if (name == "rprivate") return MS_PRIVATE | MS_REC;
  if (name == "unbindable") return MS_UNBINDABLE;
  if (name == "runbindable") return MS_UNBINDABLE | MS_REC;
  return 0;
}

}  // namespace

Result<void> mount_rootfs(const RootfsPlan& plan) {
  // Nothing we mount may propagate back to the host.
  TRYV(do_mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, "", "make / a slave mount"));
  TRYV(do_mount(plan.rootfs.c_str(), plan.rootfs, nullptr, MS_BIND | MS_REC, "", "bind rootfs " + plan.rootfs));
  Fd rootfd(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfd) return fail_sys("open rootfs " + plan.rootfs);
  for (auto& m : plan.spec->mounts) TRYV(mount_one(plan, rootfd.get(), m));
  if (dev_is_tmpfs(*plan.spec)) TRYV(populate_dev(rootfd.get(), plan.spec->linux.devices));
  else TRYV(create_spec_devices(rootfd.get(), plan.spec->linux.devices));
  return {};
}

Result<void> mount_cgroup2(const RootfsPlan& plan) {
  if (!pure_cgroup2()) return {};
  Fd rootfd(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfd) return fail_sys("open rootfs " + plan.rootfs);
  for (auto& m : plan.spec->mounts) {
    if (m.type != "cgroup") continue;
    TRY(MountOptions o, parse_mount_options(m.options));
    TRYV(mount_cgroup2_at(plan, rootfd.get(), m, o));
  }
  return {};
}

Result<void> enter_rootfs(const RootfsPlan& plan) {
  if (::chdir(plan.rootfs.c_str()) != 0) return fail_sys("chdir " + plan.rootfs);
  if (plan.no_pivot) {
    TRYV(do_mount(plan.rootfs.c_str(), "/", nullptr, MS_MOVE, "", "move rootfs to /"));
    if (::chroot(".") != 0) return fail_sys("chroot");
    if (::chdir("/") != 0) return fail_sys("chdir /");
    return {};
  }
  Fd oldroot(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!oldroot) return fail_sys("open old root");
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return fail_sys("pivot_root");
  // The old root is now stacked under the new one: detach it without touching the host.
  if (::fchdir(oldroot.get()) != 0) return fail_sys("fchdir old root");
  TRYV(do_mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, "", "make old root a slave"));
  if (::umount2(".", MNT_DETACH) != 0) return fail_sys("unmount old root");
  if (::chdir("/") != 0) return fail_sys("chdir /");
  return {};
}

Result<void> finish_rootfs(const RootfsPlan& plan) {
  auto& spec = *plan.spec;
  if (unsigned long p = propagation_flags(spec.linux.rootfs_propagation))
    TRYV(do_mount(nullptr, "/", nullptr, p, "", "set rootfs propagation"));
  for (auto& p : spec.linux.masked_paths) TRYV(mask_path(p));
  for (auto& p : spec.linux.readonly_paths) TRYV(readonly_path(p));
  if (spec.root.readonly) TRYV(remount_bind("/", MS_RDONLY, "make rootfs read-only"));
  return {};
}

}  // namespace runz::linux
