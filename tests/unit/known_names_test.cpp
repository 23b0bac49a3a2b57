// The name tables behind validation: capabilities, rlimits, namespace types, and how the
// linux layer maps them (libcap numbers, clone flags, /proc/<pid>/ns names).
#include <sched.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "linux/capabilities.hpp"
#include "linux/namespaces.hpp"
#include "oci/spec.hpp"
#include "unit_helpers.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace runz {
namespace {

TEST(KnownCapabilities, KernelOrderUniqueAndPrefixed) {
  auto& caps = oci::known_capabilities();
  ASSERT_EQ(caps.size(), 41u);  // CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40)
  EXPECT_EQ(caps.front(), "CAP_CHOWN");
  EXPECT_EQ(caps[21], "CAP_SYS_ADMIN");
  EXPECT_EQ(caps.back(), "CAP_CHECKPOINT_RESTORE");
  std::set<std::string> unique(caps.begin(), caps.end());
  EXPECT_EQ(unique.size(), caps.size());
  for (auto& c : caps) EXPECT_TRUE(c.starts_with("CAP_")) << c;
}

// validate_spec accepts exactly this list, and the capability code turns names into numbers
// with libcap: every listed name must be one libcap knows.
TEST(KnownCapabilities, AllKnownToLibcap) {
  for (auto& name : oci::known_capabilities()) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    cap_value_t v;
    EXPECT_EQ(cap_from_name(lower.c_str(), &v), 0) << name;
  }
}

TEST(KnownRlimits, NamesAndNumbers) {
  auto& names = oci::known_rlimits();
  EXPECT_EQ(names.size(), 16u);
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  std::set<int> numbers;
  for (auto& n : names) {
    auto v = oci::rlimit_number(n);
    ASSERT_TRUE(v) << n;
    numbers.insert(*v);
  }
  EXPECT_EQ(numbers.size(), names.size()) << "every name maps to its own number";
  EXPECT_EQ(oci::rlimit_number("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  EXPECT_EQ(oci::rlimit_number("RLIMIT_CPU"), RLIMIT_CPU);
  EXPECT_EQ(oci::rlimit_number("RLIMIT_RTTIME"), RLIMIT_RTTIME);
}

TEST(KnownRlimits, UnknownNames) {
  for (const char* n : {"", "RLIMIT_", "rlimit_nofile", "NOFILE", "RLIMIT_NOFILE ", "RLIMIT_NLIMITS", "RLIM_INFINITY"})
    EXPECT_FALSE(oci::rlimit_number(n)) << n;
  EXPECT_FALSE(oci::rlimit_number(std::string_view("RLIMIT_NOFILE\0", 14)));
}

TEST(NamespaceTypes, UserComesFirst) {
  auto& types = oci::namespace_types();
  ASSERT_EQ(types.size(), 8u);
  EXPECT_EQ(types.front(), "user");
  std::set<std::string> set(types.begin(), types.end());
  for (auto* t : {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"}) EXPECT_TRUE(set.contains(t)) << t;
}

TEST(NamespaceTypes, CloneFlagsAndProcNames) {
  EXPECT_EQ(linux::namespace_flag("user"), CLONE_NEWUSER);
  EXPECT_EQ(linux::namespace_flag("ipc"), CLONE_NEWIPC);
  EXPECT_EQ(linux::namespace_flag("uts"), CLONE_NEWUTS);
  EXPECT_EQ(linux::namespace_flag("network"), CLONE_NEWNET);
  EXPECT_EQ(linux::namespace_flag("pid"), CLONE_NEWPID);
  EXPECT_EQ(linux::namespace_flag("mount"), CLONE_NEWNS);
  EXPECT_EQ(linux::namespace_flag("cgroup"), CLONE_NEWCGROUP);
  EXPECT_EQ(linux::namespace_flag("time"), CLONE_NEWTIME);
  EXPECT_EQ(linux::namespace_flag("net"), 0);
  EXPECT_EQ(linux::namespace_flag(""), 0);
  EXPECT_STREQ(linux::namespace_proc_name("network"), "net");
  EXPECT_STREQ(linux::namespace_proc_name("mount"), "mnt");
  EXPECT_STREQ(linux::namespace_proc_name("pid"), "pid");
  EXPECT_STREQ(linux::namespace_proc_name("bogus"), "");
  for (auto& t : oci::namespace_types()) {
    EXPECT_NE(linux::namespace_flag(t), 0) << t;
    EXPECT_STRNE(linux::namespace_proc_name(t), "") << t;
  }
}

TEST(NamespaceTypes, NewFlagsSkipJoinedAndUser) {
  oci::Linux l;
  l.namespaces = {{"user", ""}, {"pid", ""}, {"network", "/proc/1/ns/net"}, {"mount", ""}, {"uts", ""}};
  EXPECT_EQ(linux::new_namespace_flags(l), CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS);
  EXPECT_EQ(linux::new_namespace_flags(oci::Linux{}), 0);
}

}  // namespace
}  // namespace runz
