// apply_resources against fake cgroup trees in a temporary directory (no root needed):
// v1 through make_cgroup_manager(path, tmp) (a plain directory is taken for v1), the hybrid
// and pure v2 layouts through a small fake CgroupManager.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "fake_cgroup.hpp"
#include "linux/cgroup.hpp"
#include "linux/cgroup_apply.hpp"
#include "linux/resources.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

using runz::test::error_of;
using runz::test::json;
using runz::test::TempDir;
using Writes = std::vector<std::pair<std::string, std::string>>;

Resources res(const json& j) {
  auto r = parse_resources(j.dump());
  EXPECT_TRUE(r.has_value()) << error_of(r);
  return r ? *r : Resources{};
}

using runz::test::FakeCgroup;

// A fake cgroup filesystem: directories and files with given contents.
struct FakeTree {
  TempDir tmp;
  const std::string& root() const { return tmp.path(); }
  void file(const std::string& rel, const std::string& content = "") {
    std::string p = root() + "/" + rel;
    EXPECT_TRUE(mkdir_p(p.substr(0, p.find_last_of('/'))).has_value());
    auto fd = open_fd(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(fd.has_value()) << p;
    EXPECT_TRUE(write_all(fd->get(), content).has_value()) << p;
  }
  void files(const std::string& dir, std::initializer_list<const char*> names) {
    for (const char* n : names) file(dir + "/" + n);
  }
  std::string read(const std::string& rel) const {
    auto t = read_file(root() + "/" + rel);
    return t ? *t : "<missing: " + rel + ">";
  }
  // A writer that writes (to the fake files) and records (path relative to the root, value).
  CgroupFileWriter recorder(Writes& log) const {
    return [this, &log](const std::string& path, std::string_view value) -> Result<void> {
      log.emplace_back(path.substr(root().size() + 1), std::string(value));
      return write_existing(path, value);
    };
  }
};

// v1 controllers as they look on the CI host, with the container's cgroup /runz/c1 created.
void make_v1(FakeTree& t) {
  t.files("memory/runz/c1", {"memory.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.memsw.limit_in_bytes",
                             "memory.kmem.tcp.limit_in_bytes", "memory.swappiness", "memory.oom_control",
                             "memory.use_hierarchy"});
  t.files("cpu/runz/c1", {"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.idle"});
  t.files("cpuset/runz/c1", {"cpuset.cpus", "cpuset.mems"});
  t.files("pids/runz/c1", {"pids.max"});
  t.files("devices/runz/c1", {"devices.allow", "devices.deny"});
  // No blkio.weight here, like the CI host.
  t.files("blkio/runz/c1", {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device"});
}

TEST(CgroupApplyV1, MakeCgroupManagerTakesAFakeRootForV1) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  EXPECT_EQ(cg->layout(), CgroupLayout::v1);
  EXPECT_EQ(cg->path(), "/runz/c1");
}

TEST(CgroupApplyV1, WritesEachValueToItsFile) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  Writes log;
  auto r = apply_resources(*cg, t.root(),
                           res({{"memory", {{"limit", 104857600}, {"reservation", 52428800}, {"swappiness", 10}}},
                                {"cpu", {{"shares", 512}, {"quota", 50000}, {"period", 100000}, {"cpus", "0"}, {"mems", "0"}}},
                                {"pids", {{"limit", 64}}},
                                {"blockIO", {{"throttleReadBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 1048576}}}}}},
                                {"devices", {{{"allow", false}, {"access", "rwm"}},
                                             {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rwm"}}}}}),
                           t.recorder(log));
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(log, (Writes{
                     {"memory/runz/c1/memory.limit_in_bytes", "104857600"},
                     {"memory/runz/c1/memory.soft_limit_in_bytes", "52428800"},
                     {"memory/runz/c1/memory.swappiness", "10"},
                     {"cpu/runz/c1/cpu.shares", "512"},
                     {"cpu/runz/c1/cpu.cfs_period_us", "100000"},
                     {"cpu/runz/c1/cpu.cfs_quota_us", "50000"},
                     {"cpuset/runz/c1/cpuset.cpus", "0"},
                     {"cpuset/runz/c1/cpuset.mems", "0"},
                     {"pids/runz/c1/pids.max", "64"},
                     {"blkio/runz/c1/blkio.throttle.read_bps_device", "8:0 1048576"},
                     {"devices/runz/c1/devices.deny", "a *:* rwm"},
                     {"devices/runz/c1/devices.allow", "c 1:3 rwm"},
                 }));
  EXPECT_EQ(t.read("memory/runz/c1/memory.limit_in_bytes"), "104857600");
  EXPECT_EQ(t.read("pids/runz/c1/pids.max"), "64");
  EXPECT_EQ(t.read("devices/runz/c1/devices.allow"), "c 1:3 rwm");
}

TEST(CgroupApplyV1, TheDefaultWriterWritesTheFiles) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  auto r = apply_resources(*cg, t.root(), res({{"pids", {{"limit", 32}}}, {"cpu", {{"shares", 256}}}}));
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(t.read("pids/runz/c1/pids.max"), "32");
  EXPECT_EQ(t.read("cpu/runz/c1/cpu.shares"), "256");
}

TEST(CgroupApplyV1, EmptyResourcesTouchNothing) {
  FakeCgroup cg(CgroupLayout::v1, "/nowhere");
  Writes log;
  FakeTree t;
  EXPECT_TRUE(apply_resources(cg, t.root() + "/does-not-exist", Resources{}, t.recorder(log)).has_value());
  EXPECT_TRUE(log.empty());
}

TEST(CgroupApplyV1, MissingControllerIsAnErrorNamingTheField) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  EXPECT_EQ(error_of(apply_resources(*cg, t.root(), res({{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 1}}}}}))),
            "linux.resources.hugepageLimits[0]: the hugetlb controller is not available on this host");
  EXPECT_EQ(error_of(apply_resources(*cg, t.root(), res({{"network", {{"classID", 7}}}}))),
            "linux.resources.network.classID: the net_cls controller is not available on this host");
  EXPECT_EQ(error_of(apply_resources(*cg, t.root(), res({{"network", {{"priorities", {{{"name", "lo"}, {"priority", 1}}}}}}}))),
            "linux.resources.network.priorities[0]: the net_prio controller is not available on this host");
  EXPECT_EQ(error_of(apply_resources(*cg, t.root(), res({{"rdma", {{"mlx5_0", {{"hcaHandles", 1}}}}}}))),
            "linux.resources.rdma.mlx5_0: the rdma controller is not available on this host");
}

TEST(CgroupApplyV1, NothingIsWrittenWhenAControllerIsMissing) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  Writes log;
  auto r = apply_resources(*cg, t.root(), res({{"pids", {{"limit", 5}}}, {"network", {{"classID", 7}}}}), t.recorder(log));
  EXPECT_FALSE(r.has_value());
  EXPECT_TRUE(log.empty());
}

TEST(CgroupApplyV1, MissingFileIsAnErrorNamingIt) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  // The CI host has neither blkio.weight nor blkio.bfq.weight.
  std::string err = error_of(apply_resources(*cg, t.root(), res({{"blockIO", {{"weight", 500}}}})));
  EXPECT_CONTAINS(err, "linux.resources.blockIO.weight: not supported by this host's kernel");
  EXPECT_CONTAINS(err, "blkio.weight nor blkio.bfq.weight");
  std::string err2 = error_of(apply_resources(*cg, t.root(), res({{"cpu", {{"realtimeRuntime", 5}}}})));
  EXPECT_CONTAINS(err2, "linux.resources.cpu.realtimeRuntime: not supported by this host's kernel (no cpu.rt_runtime_us in ");
}

TEST(CgroupApplyV1, AlternativeFileIsUsedWhenThePrimaryIsMissing) {
  FakeTree t;
  make_v1(t);
  t.file("blkio/runz/c1/blkio.bfq.weight");
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  Writes log;
  auto r = apply_resources(*cg, t.root(), res({{"blockIO", {{"weight", 500}}}}), t.recorder(log));
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(log, (Writes{{"blkio/runz/c1/blkio.bfq.weight", "500"}}));
}

TEST(CgroupApplyV1, OptionalWritesAreSkippedWhenTheHostLacksThem) {
  FakeTree t;
  make_v1(t);  // no memory.kmem.limit_in_bytes
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  Writes log;
  auto r = apply_resources(*cg, t.root(),
                           res({{"memory", {{"kernel", 1048576}, {"disableOOMKiller", false}}}, {"cpu", {{"idle", 0}}}}),
                           t.recorder(log));
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(log, (Writes{{"memory/runz/c1/memory.oom_control", "0"}, {"cpu/runz/c1/cpu.idle", "0"}}));
  // Without the memory hierarchy at all, the defaults are still fine.
  FakeTree bare;
  bare.files("pids/runz/c1", {"pids.max"});
  auto cg2 = make_cgroup_manager("/runz/c1", bare.root());
  EXPECT_EQ(error_of(apply_resources(*cg2, bare.root(), res({{"memory", {{"disableOOMKiller", false}, {"useHierarchy", true}}}}))), "");
}

TEST(CgroupApplyV1, MemoryAndSwapOrderFollowsTheCurrentLimit) {
  FakeTree t;
  make_v1(t);
  t.file("memory/runz/c1/memory.limit_in_bytes", "1048576\n");
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  Writes log;
  ASSERT_TRUE(apply_resources(*cg, t.root(), res({{"memory", {{"limit", 4194304}, {"swap", 8388608}}}}), t.recorder(log)));
  EXPECT_EQ(log, (Writes{{"memory/runz/c1/memory.memsw.limit_in_bytes", "8388608"},
                         {"memory/runz/c1/memory.limit_in_bytes", "4194304"}}));
  t.file("memory/runz/c1/memory.limit_in_bytes", "16777216\n");
  log.clear();
  ASSERT_TRUE(apply_resources(*cg, t.root(), res({{"memory", {{"limit", 4194304}, {"swap", 8388608}}}}), t.recorder(log)));
  EXPECT_EQ(log, (Writes{{"memory/runz/c1/memory.limit_in_bytes", "4194304"},
                         {"memory/runz/c1/memory.memsw.limit_in_bytes", "8388608"}}));
}

TEST(CgroupApplyV1, WriteErrorsNameTheFieldAndTheFile) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  CgroupFileWriter failing = [](const std::string& path, std::string_view) -> Result<void> {
    return fail_sys("write " + path, EINVAL);
  };
  std::string err = error_of(apply_resources(*cg, t.root(), res({{"memory", {{"useHierarchy", false}}}}), failing));
  EXPECT_CONTAINS(err, "linux.resources.memory.useHierarchy: writing \"0\": write ");
  EXPECT_CONTAINS(err, "/memory/runz/c1/memory.use_hierarchy: Invalid argument");
  // The real writer on something that is not a writable file.
  ASSERT_EQ(::unlink((t.root() + "/pids/runz/c1/pids.max").c_str()), 0);
  ASSERT_EQ(::mkdir((t.root() + "/pids/runz/c1/pids.max").c_str(), 0755), 0);
  std::string err2 = error_of(apply_resources(*cg, t.root(), res({{"pids", {{"limit", 5}}}})));
  EXPECT_CONTAINS(err2, "linux.resources.pids.limit: writing \"5\": open ");
  EXPECT_CONTAINS(err2, "/pids/runz/c1/pids.max: Is a directory");
}

TEST(CgroupApplyV1, MissingCgroupDirectoryIsReported) {
  FakeTree t;
  t.files("pids", {"pids.max"});  // the hierarchy, but no /runz/c1 in it
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  std::string err = error_of(apply_resources(*cg, t.root(), res({{"pids", {{"limit", 5}}}})));
  EXPECT_CONTAINS(err, "linux.resources.pids.limit: the cgroup ");
  EXPECT_CONTAINS(err, "/pids/runz/c1 does not exist");
}

TEST(CgroupApplyV1, UnifiedIsAnErrorOnAV1Host) {
  FakeTree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/runz/c1", t.root());
  EXPECT_CONTAINS(error_of(apply_resources(*cg, t.root(), res({{"unified", {{"pids.max", "5"}}}}))), "linux.resources.unified: ");
}

// ------------------------------------------------------------------ hybrid

void make_hybrid(FakeTree& t) {
  make_v1(t);
  t.file("unified/cgroup.controllers", "hugetlb\n");
  t.file("unified/cgroup.subtree_control");
  t.file("unified/runz/cgroup.subtree_control");
  t.files("unified/runz/c1", {"cgroup.subtree_control", "hugetlb.2MB.max", "hugetlb.1GB.max", "cgroup.max.depth"});
}

TEST(CgroupApplyHybrid, HugetlbGoesToTheUnifiedMountWithTheControllerEnabled) {
  FakeTree t;
  make_hybrid(t);
  FakeCgroup cg(CgroupLayout::hybrid, "/runz/c1");
  Writes log;
  auto r = apply_resources(cg, t.root(),
                           res({{"pids", {{"limit", 10}}}, {"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 4194304}}}}}),
                           t.recorder(log));
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(log, (Writes{
                     {"unified/cgroup.subtree_control", "+hugetlb"},
                     {"unified/runz/cgroup.subtree_control", "+hugetlb"},
                     {"pids/runz/c1/pids.max", "10"},
                     {"unified/runz/c1/hugetlb.2MB.max", "4194304"},  // no .rsvd.max here: skipped
                 }));
  EXPECT_EQ(t.read("unified/runz/c1/hugetlb.2MB.max"), "4194304");
}

TEST(CgroupApplyHybrid, AlreadyEnabledControllersAreNotWrittenAgain) {
  FakeTree t;
  make_hybrid(t);
  t.file("unified/cgroup.subtree_control", "hugetlb\n");
  FakeCgroup cg(CgroupLayout::hybrid, "/runz/c1");
  Writes log;
  ASSERT_TRUE(apply_resources(cg, t.root(), res({{"unified", {{"hugetlb.1GB.max", "0"}, {"cgroup.max.depth", "2"}}}}),
                              t.recorder(log)));
  EXPECT_EQ(log, (Writes{
                     {"unified/runz/cgroup.subtree_control", "+hugetlb"},
                     {"unified/runz/c1/cgroup.max.depth", "2"},
                     {"unified/runz/c1/hugetlb.1GB.max", "0"},
                 }));
}

TEST(CgroupApplyHybrid, UnifiedKeysForV1ControllersAreRefused) {
  FakeTree t;
  make_hybrid(t);
  FakeCgroup cg(CgroupLayout::hybrid, "/runz/c1");
  EXPECT_CONTAINS(error_of(apply_resources(cg, t.root(), res({{"unified", {{"memory.high", "1"}}}}))),
                  "linux.resources.unified.memory.high: the memory controller is not available");
}

TEST(CgroupApplyHybrid, NoHugetlbAnywhereIsAnError) {
  FakeTree t;
  make_hybrid(t);
  t.file("unified/cgroup.controllers", "\n");
  FakeCgroup cg(CgroupLayout::hybrid, "/runz/c1");
  EXPECT_EQ(error_of(apply_resources(cg, t.root(), res({{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 1}}}}}))),
            "linux.resources.hugepageLimits[0]: the hugetlb controller is not available on this host");
}

// ------------------------------------------------------------------ pure v2

void make_v2(FakeTree& t) {
  t.file("cgroup.controllers", "cpuset cpu io memory pids\n");
  t.file("cgroup.subtree_control");
  t.file("runz/cgroup.subtree_control");
  t.files("runz/c1", {"cgroup.subtree_control", "memory.max", "memory.swap.max", "memory.low", "memory.high", "cpu.weight",
                      "cpu.max", "pids.max", "io.weight", "io.max", "cpuset.cpus"});
}

TEST(CgroupApplyV2, EnablesControllersDownToTheParentThenWrites) {
  FakeTree t;
  make_v2(t);
  FakeCgroup cg(CgroupLayout::v2, "/runz/c1");
  Writes log;
  auto r = apply_resources(cg, t.root(),
                           res({{"memory", {{"limit", 104857600}}},
                                {"cpu", {{"shares", 1024}, {"quota", 50000}, {"period", 100000}}},
                                {"pids", {{"limit", 64}}},
                                {"blockIO", {{"weight", 500}}},
                                {"unified", {{"memory.high", "94371840"}}}}),
                           t.recorder(log));
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(log, (Writes{
                     {"cgroup.subtree_control", "+cpu +io +memory +pids"},
                     {"runz/cgroup.subtree_control", "+cpu +io +memory +pids"},
                     {"runz/c1/memory.max", "104857600"},
                     {"runz/c1/cpu.weight", "39"},
                     {"runz/c1/cpu.max", "50000 100000"},
                     {"runz/c1/pids.max", "64"},
                     {"runz/c1/io.weight", "4950"},  // no io.bfq.weight: the converted value
                     {"runz/c1/memory.high", "94371840"},
                 }));
  EXPECT_EQ(t.read("cgroup.subtree_control"), "+cpu +io +memory +pids");
  EXPECT_EQ(t.read("runz/c1/cpu.max"), "50000 100000");
}

TEST(CgroupApplyV2, ControllerNotOfferedIsAnError) {
  FakeTree t;
  make_v2(t);
  FakeCgroup cg(CgroupLayout::v2, "/runz/c1");
  EXPECT_EQ(error_of(apply_resources(cg, t.root(), res({{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 1}}}}}))),
            "linux.resources.hugepageLimits[0]: the hugetlb controller is not available on this host");
  EXPECT_EQ(error_of(apply_resources(cg, t.root(), res({{"unified", {{"rdma.max", "mlx5_0 hca_handle=1"}}}}))),
            "linux.resources.unified.rdma.max: the rdma controller is not available on this host");
}

TEST(CgroupApplyV2, EnableFailureNamesTheController) {
  FakeTree t;
  make_v2(t);
  FakeCgroup cg(CgroupLayout::v2, "/runz/c1");
  CgroupFileWriter writer = [&](const std::string& path, std::string_view value) -> Result<void> {
    if (path.ends_with("cgroup.subtree_control") && value.find("memory") != std::string_view::npos)
      return fail_sys("write " + path, EBUSY);
    return write_existing(path, value);
  };
  std::string err = error_of(apply_resources(cg, t.root(), res({{"memory", {{"limit", 1}}}, {"pids", {{"limit", 1}}}}), writer));
  EXPECT_CONTAINS(err, "enable the memory controller in " + t.root() + "/cgroup.subtree_control");
  EXPECT_CONTAINS(err, "Device or resource busy");
}

TEST(CgroupApplyV2, CheckBeforeUpdateRefusesALimitBelowUsage) {
  FakeTree t;
  make_v2(t);
  t.file("runz/c1/memory.current", "5000000\n");
  FakeCgroup cg(CgroupLayout::v2, "/runz/c1");
  EXPECT_EQ(error_of(apply_resources(cg, t.root(), res({{"memory", {{"limit", 1000000}, {"checkBeforeUpdate", true}}}}))),
            "linux.resources.memory.limit: 1000000 is below the current usage of 5000000 bytes (memory.checkBeforeUpdate is set)");
  EXPECT_EQ(error_of(apply_resources(cg, t.root(), res({{"memory", {{"limit", 6000000}, {"checkBeforeUpdate", true}}}}))), "");
  EXPECT_EQ(error_of(apply_resources(cg, t.root(), res({{"memory", {{"limit", 1000000}}}}))), "");
}

TEST(CgroupApplyV2, V1OnlyKnobsFailBeforeAnyWrite) {
  FakeTree t;
  make_v2(t);
  FakeCgroup cg(CgroupLayout::v2, "/runz/c1");
  Writes log;
  auto r = apply_resources(cg, t.root(), res({{"pids", {{"limit", 1}}}, {"memory", {{"swappiness", 1}}}}), t.recorder(log));
  EXPECT_EQ(error_of(r), "linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness");
  EXPECT_TRUE(log.empty());
  // Device rules on v2 are an eBPF program, attached by the production apply: no file writes.
  Writes none;
  EXPECT_TRUE(apply_resources(cg, t.root(), res({{"devices", {{{"allow", false}}}}}), t.recorder(none)));
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace runz::linux
