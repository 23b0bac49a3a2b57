#include "linux/mount_options.hpp"

#include <linux/mount.h>
#include <sys/mount.h>

#include <string_view>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

namespace runz::linux {
namespace {

struct FlagOption {
  const char* name;
  bool clear;
  unsigned long flag;
};
constexpr FlagOption kFlags[] = {
    {"defaults", false, 0},        {"ro", false, MS_RDONLY},        {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},  {"suid", true, MS_NOSUID},       {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},       {"noexec", false, MS_NOEXEC},    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS}, {"async", true, MS_SYNCHRONOUS}, {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT}, {"mand", false, MS_MANDLOCK},   {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME}, {"atime", true, MS_NOATIME},    {"nodiratime", false, MS_NODIRATIME},
    {"diratime", true, MS_NODIRATIME}, {"relatime", false, MS_RELATIME}, {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME}, {"nolazytime", true, MS_LAZYTIME}, {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},     {"iversion", false, MS_I_VERSION}, {"noiversion", true, MS_I_VERSION},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
    {"bind", false, MS_BIND},      {"rbind", false, MS_BIND | MS_REC},
};

struct PropagationOption {
  const char* name;
  unsigned long flag;
};
constexpr PropagationOption kPropagation[] = {
    {"shared", MS_SHARED},   {"rshared", MS_SHARED | MS_REC},   {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC}, {"private", MS_PRIVATE},     {"rprivate", MS_PRIVATE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

struct AttrOption {
  const char* name;
  bool clear;
  uint64_t attr;
};
constexpr AttrOption kAttrs[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},     {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID}, {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},   {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC}, {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
    {"rnoatime", false, MOUNT_ATTR_NOATIME}, {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
};

}  // namespace

bool MountOptions::bind() const { return (flags & MS_BIND) != 0; }

Result<MountOptions> parse_mount_options(const std::vector<std::string>& options) {
  MountOptions out;
  auto add_data = [&](std::string_view o) {
    if (!out.data.empty()) out.data += ',';
    out.data += o;
  };
  for (auto& o : options) {
    bool done = false;
    for (auto& f : kFlags)
      if (o == f.name) {
        if (f.clear) {
          out.flags &= ~f.flag;
          out.clear |= f.flag;
        } else {
          out.flags |= f.flag;
          out.clear &= ~f.flag;
        }
        done = true;
      }
    for (auto& p : kPropagation)
      if (o == p.name) {
        out.propagation.push_back(p.flag);
        done = true;
      }
    for (auto& a : kAttrs)
      if (o == a.name) {
        (a.clear ? out.attr_clr : out.attr_set) |= a.attr;
        done = true;
      }
    if (done) continue;
    if (o == "idmap" || o == "ridmap") return fail_user("mount option \"" + o + "\" is not supported");
    if (o == "tmpcopyup") continue;  // accepted, as runc does, without copy-up
    add_data(o);
  }
  return out;
}

std::vector<std::string> known_mount_options() {
  std::vector<std::string> out;
  for (auto& f : kFlags) out.emplace_back(f.name);
  for (auto& p : kPropagation) out.emplace_back(p.name);
  for (auto& a : kAttrs) out.emplace_back(a.name);
  out.emplace_back("tmpcopyup");
  return out;
}

}  // namespace runz::linux
