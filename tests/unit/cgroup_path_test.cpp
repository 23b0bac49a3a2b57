// resolve_cgroups_path for absolute cgroupsPath (relative ones depend on the host's own cgroup).
#include <gtest/gtest.h>

#include "linux/cgroup.hpp"

namespace runz::linux {
namespace {

TEST(CgroupsPath, AbsoluteIsKeptCleaned) {
  EXPECT_EQ(resolve_cgroups_path("/runz/abc", "abc"), "/runz/abc");
  EXPECT_EQ(resolve_cgroups_path("/runz//abc/", "x"), "/runz/abc");
  EXPECT_EQ(resolve_cgroups_path("/a/./b/../c", "x"), "/a/c");
  EXPECT_EQ(resolve_cgroups_path("/", "x"), "/");
}

TEST(CgroupsPath, AbsoluteCannotClimbOutOfTheHierarchy) {
  EXPECT_EQ(resolve_cgroups_path("/../../../etc", "x"), "/etc");
  EXPECT_EQ(resolve_cgroups_path("/runz/../../..", "x"), "/");
}

TEST(CgroupsPath, IdIsIgnoredForAbsolutePaths) {
  EXPECT_EQ(resolve_cgroups_path("/kubepods/pod1/ctr", "other-id"), "/kubepods/pod1/ctr");
}

TEST(CgroupsPath, RelativeAndEmptyAreAbsoluteAndCleanAfterResolution) {
  // Where they land depends on the host; only their shape is checked.
  for (auto [path, id] : {std::pair{"", "myid"}, std::pair{"sub/dir", "x"}, std::pair{"../../../x", "y"}}) {
    std::string r = resolve_cgroups_path(path, id);
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r.front(), '/') << r;
    EXPECT_EQ(r.find("/../"), std::string::npos) << r;
    EXPECT_EQ(r.find("//"), std::string::npos) << r;
  }
  EXPECT_TRUE(resolve_cgroups_path("", "myid").ends_with("/myid"));
  EXPECT_TRUE(resolve_cgroups_path("sub/dir", "x").ends_with("/sub/dir"));
}

TEST(CgroupLayout, Names) {
  EXPECT_STRNE(layout_name(CgroupLayout::v1), "");
  EXPECT_STRNE(layout_name(CgroupLayout::v2), "");
  EXPECT_STRNE(layout_name(CgroupLayout::hybrid), "");
  EXPECT_STRNE(layout_name(CgroupLayout::v1), layout_name(CgroupLayout::v2));
}

}  // namespace
}  // namespace runz::linux
