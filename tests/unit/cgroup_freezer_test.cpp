// The freezer of one cgroup directory (pause/resume), on fake v1 and v2 files: the state
// written, the wait for the kernel's "frozen", the thaw after a timeout, and what counts as
// paused.
#include <gtest/gtest.h>
#include <fcntl.h>

#include <chrono>
#include <string>

#include "linux/cgroup_drivers.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

using namespace std::chrono_literals;
using runz::test::error_of;
using runz::test::TempDir;

void put(const std::string& path, const std::string& content) {
  auto fd = open_fd(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(fd.has_value()) << path;
  ASSERT_TRUE(write_all(fd->get(), content).has_value()) << path;
}

std::string get(const std::string& path) {
  auto t = read_file(path);
  return t ? std::string(*t) : "<missing>";
}

TEST(FreezerV1, FreezeWritesFrozenAndThawWritesThawed) {
  TempDir d;
  put(d / "freezer.state", "THAWED\n");
  EXPECT_FALSE(is_frozen_v1_dir(d.path()));
  auto r = freeze_v1_dir(d.path(), 100ms);
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(get(d / "freezer.state").substr(0, 6), "FROZEN");
  EXPECT_TRUE(is_frozen_v1_dir(d.path()));
  ASSERT_TRUE(thaw_v1_dir(d.path()).has_value());
  EXPECT_EQ(get(d / "freezer.state").substr(0, 6), "THAWED");
  EXPECT_FALSE(is_frozen_v1_dir(d.path()));
}

TEST(FreezerV1, FrozenOnlyThroughAnAncestorIsNotPaused) {
  TempDir d;
  put(d / "freezer.state", "FROZEN\n");
  put(d / "freezer.self_freezing", "0\n");
  EXPECT_FALSE(is_frozen_v1_dir(d.path()));
  put(d / "freezer.self_freezing", "1\n");
  EXPECT_TRUE(is_frozen_v1_dir(d.path()));
}

TEST(FreezerV1, FreezingCountsAsPaused) {
  TempDir d;
  put(d / "freezer.state", "FREEZING\n");
  EXPECT_TRUE(is_frozen_v1_dir(d.path()));
}

TEST(FreezerV1, MissingFreezerIsAnErrorAndNotFrozen) {
  TempDir d;
  EXPECT_FALSE(freeze_v1_dir(d.path(), 10ms).has_value());
  EXPECT_FALSE(is_frozen_v1_dir(d.path()));
}

TEST(FreezerV2, FreezeWaitsForCgroupEventsFrozen) {
  TempDir d;
  put(d / "cgroup.freeze", "0\n");
  // The kernel would flip this line; the fake says frozen from the start.
  put(d / "cgroup.events", "populated 1\nfrozen 1\n");
  EXPECT_FALSE(is_frozen_v2_dir(d.path()));
  auto r = freeze_v2_dir(d.path(), 100ms);
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(get(d / "cgroup.freeze").substr(0, 1), "1");
  EXPECT_TRUE(is_frozen_v2_dir(d.path()));
  ASSERT_TRUE(thaw_v2_dir(d.path()).has_value());
  EXPECT_EQ(get(d / "cgroup.freeze").substr(0, 1), "0");
  EXPECT_FALSE(is_frozen_v2_dir(d.path()));
}

TEST(FreezerV2, TimeoutThawsAgainAndFails) {
  TempDir d;
  put(d / "cgroup.freeze", "0\n");
  put(d / "cgroup.events", "populated 1\nfrozen 0\n");
  auto start = std::chrono::steady_clock::now();
  auto r = freeze_v2_dir(d.path(), 50ms);
  EXPECT_FALSE(r.has_value());
  EXPECT_CONTAINS(error_of(r), "did not report frozen");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_EQ(get(d / "cgroup.freeze").substr(0, 1), "0") << "thawed after the timeout";
  EXPECT_FALSE(is_frozen_v2_dir(d.path()));
}

TEST(FreezerV2, MissingFileIsAnError) {
  TempDir d;
  EXPECT_FALSE(freeze_v2_dir(d.path(), 10ms).has_value());
  EXPECT_FALSE(thaw_v2_dir(d.path()).has_value());
}

TEST(CgroupProcs, IncludesSubCgroupsSortedAndUnique) {
  TempDir d;
  put(d / "cgroup.procs", "30\n10\n");
  ASSERT_TRUE(mkdir_p(d / "sub/deeper").has_value());
  put(d / "sub/cgroup.procs", "20\n10\n");
  put(d / "sub/deeper/cgroup.procs", "5\n");
  auto pids = read_cgroup_procs(d.path());
  ASSERT_TRUE(pids.has_value()) << error_of(pids);
  EXPECT_EQ(*pids, (std::vector<pid_t>{5, 10, 20, 30}));
}

}  // namespace
}  // namespace runz::linux
