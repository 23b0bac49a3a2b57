// parse_mount_options: config.json mount options → mount(2) flags, propagation,
// mount_setattr(2) attributes and the filesystem data string.
#include <linux/mount.h>
#include <sys/mount.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "linux/mount_options.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

MountOptions parse(const std::vector<std::string>& o) {
  auto r = parse_mount_options(o);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : MountOptions{};
}

TEST(MountOptions, EmptyListMeansNothing) {
  MountOptions o = parse({});
  EXPECT_EQ(o.flags, 0ul);
  EXPECT_EQ(o.clear, 0ul);
  EXPECT_TRUE(o.propagation.empty());
  EXPECT_EQ(o.attr_set, 0u);
  EXPECT_EQ(o.attr_clr, 0u);
  EXPECT_EQ(o.data, "");
  EXPECT_FALSE(o.bind());
}

TEST(MountOptions, FlagsAccumulate) {
  MountOptions o = parse({"nosuid", "nodev", "noexec", "ro", "noatime", "nodiratime", "sync", "dirsync", "remount",
                          "strictatime", "relatime", "lazytime", "silent", "iversion", "mand"});
  for (unsigned long f : {MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY, MS_NOATIME, MS_NODIRATIME, MS_SYNCHRONOUS,
                          MS_DIRSYNC, MS_REMOUNT, MS_STRICTATIME, MS_RELATIME, MS_LAZYTIME, MS_SILENT, MS_I_VERSION,
                          MS_MANDLOCK})
    EXPECT_EQ(o.flags & f, f) << std::hex << f;
  EXPECT_EQ(o.clear, 0ul);
  EXPECT_EQ(o.data, "");
}

TEST(MountOptions, DefaultsIsANoOp) {
  MountOptions o = parse({"defaults"});
  EXPECT_EQ(o.flags, 0ul);
  EXPECT_EQ(o.data, "");
}

TEST(MountOptions, LaterOptionWins) {
  MountOptions ro_then_rw = parse({"ro", "rw"});
  EXPECT_EQ(ro_then_rw.flags & MS_RDONLY, 0ul);
  EXPECT_EQ(ro_then_rw.clear & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));

  MountOptions rw_then_ro = parse({"rw", "ro"});
  EXPECT_EQ(rw_then_ro.flags & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));
  EXPECT_EQ(rw_then_ro.clear & MS_RDONLY, 0ul);

  MountOptions suid = parse({"nosuid", "suid", "nodev", "dev", "noexec", "exec", "noatime", "atime"});
  EXPECT_EQ(suid.flags, 0ul);
  EXPECT_EQ(suid.clear, static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME));
}

TEST(MountOptions, ClearingFlags) {
  MountOptions o = parse({"rw", "suid", "dev", "exec", "async", "nomand", "atime", "diratime", "norelatime",
                          "nostrictatime", "nolazytime", "loud", "noiversion", "symfollow"});
  EXPECT_EQ(o.flags, 0ul);
  for (unsigned long f : {MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_MANDLOCK, MS_NOATIME,
                          MS_NODIRATIME, MS_RELATIME, MS_STRICTATIME, MS_LAZYTIME, MS_SILENT, MS_I_VERSION})
    EXPECT_EQ(o.clear & f, f) << std::hex << f;
}

TEST(MountOptions, BindAndRbind) {
  MountOptions b = parse({"bind"});
  EXPECT_TRUE(b.bind());
  EXPECT_EQ(b.flags, static_cast<unsigned long>(MS_BIND));
  MountOptions rb = parse({"rbind", "ro"});
  EXPECT_TRUE(rb.bind());
  EXPECT_EQ(rb.flags, static_cast<unsigned long>(MS_BIND | MS_REC | MS_RDONLY));
}

TEST(MountOptions, PropagationKeepsOrder) {
  MountOptions o = parse({"rprivate", "shared", "rslave", "unbindable", "private", "slave", "rshared", "runbindable"});
  std::vector<unsigned long> want = {MS_PRIVATE | MS_REC, MS_SHARED, MS_SLAVE | MS_REC, MS_UNBINDABLE,
                                     MS_PRIVATE, MS_SLAVE, MS_SHARED | MS_REC, MS_UNBINDABLE | MS_REC};
  EXPECT_EQ(o.propagation, want);
  EXPECT_EQ(o.flags, 0ul) << "propagation does not go into the mount flags";
}

TEST(MountOptions, RecursiveAttributes) {
  MountOptions o = parse({"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow", "rnoatime"});
  for (uint64_t a : {uint64_t{MOUNT_ATTR_RDONLY}, uint64_t{MOUNT_ATTR_NOSUID}, uint64_t{MOUNT_ATTR_NODEV},
                     uint64_t{MOUNT_ATTR_NOEXEC}, uint64_t{MOUNT_ATTR_NODIRATIME}, uint64_t{MOUNT_ATTR_NOATIME}})
    EXPECT_EQ(o.attr_set & a, a) << std::hex << a;
  EXPECT_EQ(o.attr_clr, 0u);
  EXPECT_EQ(o.flags, 0ul) << "recursive attributes are not mount flags";

  MountOptions c = parse({"rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"});
  EXPECT_EQ(c.attr_set, 0u);
  for (uint64_t a : {uint64_t{MOUNT_ATTR_RDONLY}, uint64_t{MOUNT_ATTR_NOSUID}, uint64_t{MOUNT_ATTR_NODEV},
                     uint64_t{MOUNT_ATTR_NOEXEC}, uint64_t{MOUNT_ATTR_NODIRATIME}})
    EXPECT_EQ(c.attr_clr & a, a) << std::hex << a;
}

TEST(MountOptions, UnknownOptionsBecomeDataInOrder) {
  MountOptions o = parse({"nosuid", "mode=755", "strictatime", "size=65536k", "uid=0", "gid=5"});
  EXPECT_EQ(o.data, "mode=755,size=65536k,uid=0,gid=5");
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOSUID | MS_STRICTATIME));
}

TEST(MountOptions, OptionNamesAreCaseSensitive) {
  MountOptions o = parse({"RO", "NoSuid"});
  EXPECT_EQ(o.flags, 0ul);
  EXPECT_EQ(o.data, "RO,NoSuid");
}

TEST(MountOptions, OddDataIsPassedThroughUntouched) {
  MountOptions o = parse({"lowerdir=/a:/b,upperdir=/c", "context=\"system_u:object_r:x:s0\"", "x=\xc3\xa9"});
  EXPECT_EQ(o.data, "lowerdir=/a:/b,upperdir=/c,context=\"system_u:object_r:x:s0\",x=\xc3\xa9");
  // A flag name inside a comma-joined string is data, not a flag.
  MountOptions joined = parse({"ro,nosuid"});
  EXPECT_EQ(joined.flags, 0ul);
  EXPECT_EQ(joined.data, "ro,nosuid");
  // Empty options do not fail.
  EXPECT_TRUE(parse_mount_options({"", "mode=1777", ""}));
}

TEST(MountOptions, IdmapIsRefused) {
  for (const char* opt : {"idmap", "ridmap"}) {
    auto r = parse_mount_options({"rbind", opt});
    ASSERT_FALSE(r) << opt;
    EXPECT_CONTAINS(r.error().message, std::string("\"") + opt + "\" is not supported");
  }
}

TEST(MountOptions, TmpcopyupIsAcceptedSilently) {
  MountOptions o = parse({"tmpcopyup", "mode=755"});
  EXPECT_EQ(o.data, "mode=755");
}

TEST(MountOptions, EveryKnownOptionIsUnderstoodAndUnique) {
  auto names = known_mount_options();
  EXPECT_GT(names.size(), 40u);
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size()) << "duplicate names";
  for (auto& n : names) {
    SCOPED_TRACE(n);
    auto r = parse_mount_options({n});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->data, "") << "a known option must not fall through to the data string";
  }
  EXPECT_FALSE(unique.contains("idmap"));
}

}  // namespace
}  // namespace runz::linux
