// resources_to_v1 / resources_to_v2 / resources_to_hybrid: exact files, values and order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "linux/cgroup_files.hpp"
#include "linux/resources.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

using runz::test::error_of;
using runz::test::json;
using Lines = std::vector<std::string>;

Resources res(const json& j) {
  auto r = parse_resources(j.dump());
  EXPECT_TRUE(r.has_value()) << error_of(r);
  return r ? *r : Resources{};
}

// "controller file=value", with " (optional)" and " [v2]" where they apply.
Lines lines(const std::vector<CgroupWrite>& ws) {
  Lines out;
  for (auto& w : ws) {
    std::string s = w.controller + " " + w.file + "=" + w.value;
    if (!w.alt_file.empty()) s += " | " + w.alt_file + "=" + w.alt_value;
    if (w.optional) s += " (optional)";
    out.push_back(s);
  }
  return out;
}

Lines v1_lines(const json& j, const CgroupCurrent& cur = {}) {
  auto w = resources_to_v1(res(j), cur);
  EXPECT_TRUE(w.has_value()) << error_of(w);
  if (w) {
    for (auto& x : *w) EXPECT_FALSE(x.v2) << x.file;
  }
  return w ? lines(*w) : Lines{};
}

Lines v2_lines(const json& j) {
  auto w = resources_to_v2(res(j));
  EXPECT_TRUE(w.has_value()) << error_of(w);
  if (w) {
    for (auto& x : *w) EXPECT_TRUE(x.v2) << x.file;
  }
  return w ? lines(*w) : Lines{};
}

std::string v1_err(const json& j) { return error_of(resources_to_v1(res(j))); }
std::string v2_err(const json& j) { return error_of(resources_to_v2(res(j))); }

// ------------------------------------------------------------------ conversions

TEST(CgroupConversions, CpuSharesToWeight) {
  EXPECT_EQ(cpu_shares_to_weight(2), 1u);
  EXPECT_EQ(cpu_shares_to_weight(1024), 39u);  // runc and crun: the default 1024 shares → 39
  EXPECT_EQ(cpu_shares_to_weight(512), 20u);   // 1 + 510*9999/262142 = 1 + 19
  EXPECT_EQ(cpu_shares_to_weight(262144), 10000u);
  // Out of the kernel's range: clamped like the kernel clamps cpu.shares (no underflow).
  EXPECT_EQ(cpu_shares_to_weight(1), 1u);
  EXPECT_EQ(cpu_shares_to_weight(1ull << 40), 10000u);
}

TEST(CgroupConversions, BlkioWeightToIoWeight) {
  EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
  EXPECT_EQ(blkio_weight_to_io_weight(100), 910u);  // 1 + 90*9999/990
  EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
  EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
  EXPECT_EQ(blkio_weight_to_io_weight(5), 1u);
}

TEST(CgroupConversions, DeviceRuleLines) {
  auto rule = [](char type, std::optional<int64_t> major, std::optional<int64_t> minor, std::string access) {
    DeviceRule d;
    d.type = type;
    d.major = major;
    d.minor = minor;
    d.access = std::move(access);
    return device_rule_line(d);
  };
  EXPECT_EQ(rule('c', 1, 3, "rwm"), "c 1:3 rwm");
  EXPECT_EQ(rule('a', std::nullopt, std::nullopt, "rwm"), "a *:* rwm");
  EXPECT_EQ(rule('b', 8, std::nullopt, "r"), "b 8:* r");
  EXPECT_EQ(rule('c', std::nullopt, 229, "rw"), "c *:229 rw");
  EXPECT_EQ(rule('c', -1, -1, "m"), "c *:* m");  // -1 is the wildcard too
  EXPECT_EQ(rule('c', 136, 0, ""), "c 136:0 rwm");
}

// ------------------------------------------------------------------ v1

TEST(CgroupFilesV1, EmptyResourcesWriteNothing) {
  EXPECT_EQ(v1_lines(json::object()), Lines{});
  EXPECT_EQ(v2_lines(json::object()), Lines{});
}

TEST(CgroupFilesV1, Memory) {
  EXPECT_EQ(v1_lines({{"memory", {{"limit", 104857600}, {"reservation", 52428800}, {"swap", 209715200}, {"kernel", 1048576},
                                  {"kernelTCP", 2097152}, {"swappiness", 60}, {"disableOOMKiller", true},
                                  {"useHierarchy", true}}}}),
            (Lines{
                "memory memory.limit_in_bytes=104857600",
                "memory memory.memsw.limit_in_bytes=209715200",
                "memory memory.kmem.limit_in_bytes=1048576 (optional)",
                "memory memory.kmem.tcp.limit_in_bytes=2097152",
                "memory memory.soft_limit_in_bytes=52428800",
                "memory memory.oom_control=1",
                "memory memory.use_hierarchy=1 (optional)",
                "memory memory.swappiness=60",
            }));
}

TEST(CgroupFilesV1, MemoryDefaultsAndZeros) {
  // 0 is runc's "not set"; false/true defaults are optional writes.
  EXPECT_EQ(v1_lines({{"memory", {{"limit", 0}, {"swap", 0}, {"reservation", 0}, {"kernel", 0}, {"kernelTCP", 0}}}}), Lines{});
  EXPECT_EQ(v1_lines({{"memory", {{"disableOOMKiller", false}, {"useHierarchy", false}}}}),
            (Lines{"memory memory.oom_control=0 (optional)", "memory memory.use_hierarchy=0"}));
  EXPECT_EQ(v1_lines({{"memory", {{"swappiness", 0}}}}), Lines{"memory memory.swappiness=0"});
}

TEST(CgroupFilesV1, MemoryAndSwapOrder) {
  json both = {{"memory", {{"limit", 4194304}, {"swap", 8388608}}}};
  // Fresh cgroup (unlimited): the limit first, then memory+swap.
  EXPECT_EQ(v1_lines(both), (Lines{"memory memory.limit_in_bytes=4194304", "memory memory.memsw.limit_in_bytes=8388608"}));
  // Growing past the current limit: memory+swap first, or the kernel refuses limit > memsw.
  EXPECT_EQ(v1_lines(both, CgroupCurrent{1048576}),
            (Lines{"memory memory.memsw.limit_in_bytes=8388608", "memory memory.limit_in_bytes=4194304"}));
  // Shrinking below the current limit: the limit first.
  EXPECT_EQ(v1_lines(both, CgroupCurrent{16777216}),
            (Lines{"memory memory.limit_in_bytes=4194304", "memory memory.memsw.limit_in_bytes=8388608"}));
  // Unlimited swap always goes first.
  EXPECT_EQ(v1_lines({{"memory", {{"limit", 4194304}, {"swap", -1}}}}, CgroupCurrent{16777216}),
            (Lines{"memory memory.memsw.limit_in_bytes=-1", "memory memory.limit_in_bytes=4194304"}));
  // Unlimited memory and no word on swap: swap unlimited too, first, where swap accounting exists.
  EXPECT_EQ(v1_lines({{"memory", {{"limit", -1}}}}),
            (Lines{"memory memory.memsw.limit_in_bytes=-1 (optional)", "memory memory.limit_in_bytes=-1"}));
  EXPECT_EQ(v1_lines({{"memory", {{"swap", 8388608}}}}), Lines{"memory memory.memsw.limit_in_bytes=8388608"});
}

TEST(CgroupFilesV1, SwapBelowLimitIsAnError) {
  EXPECT_EQ(v1_err({{"memory", {{"limit", 8388608}, {"swap", 4194304}}}}),
            "linux.resources.memory.swap: must not be lower than memory.limit (swap is the limit of memory+swap)");
}

TEST(CgroupFilesV1, CpuAndCpuset) {
  EXPECT_EQ(v1_lines({{"cpu", {{"shares", 512}, {"quota", 50000}, {"burst", 10000}, {"period", 100000}, {"realtimeRuntime", 950000},
                               {"realtimePeriod", 1000000}, {"cpus", "0-1"}, {"mems", "0"}, {"idle", 1}}}}),
            (Lines{
                "cpu cpu.shares=512",
                "cpu cpu.cfs_period_us=100000",
                "cpu cpu.cfs_quota_us=50000",
                "cpu cpu.cfs_burst_us=10000",
                "cpu cpu.rt_period_us=1000000",
                "cpu cpu.rt_runtime_us=950000",
                "cpu cpu.idle=1",
                "cpuset cpuset.cpus=0-1",
                "cpuset cpuset.mems=0",
            }));
  EXPECT_EQ(v1_lines({{"cpu", {{"quota", -1}, {"burst", 0}, {"idle", 0}, {"cpus", ""}}}}),
            (Lines{"cpu cpu.cfs_quota_us=-1", "cpu cpu.cfs_burst_us=0 (optional)", "cpu cpu.idle=0 (optional)"}));
}

TEST(CgroupFilesV1, BurstLargerThanQuotaIsAnError) {
  EXPECT_EQ(v1_err({{"cpu", {{"quota", 1000}, {"burst", 2000}}}}), "linux.resources.cpu.burst: must not be larger than cpu.quota");
  EXPECT_EQ(v2_err({{"cpu", {{"quota", 1000}, {"burst", 2000}}}}), "linux.resources.cpu.burst: must not be larger than cpu.quota");
  EXPECT_EQ(v1_err({{"cpu", {{"quota", -1}, {"burst", 2000}}}}), "");
}

TEST(CgroupFilesV1, Pids) {
  EXPECT_EQ(v1_lines({{"pids", {{"limit", 64}}}}), Lines{"pids pids.max=64"});
  EXPECT_EQ(v1_lines({{"pids", {{"limit", -1}}}}), Lines{"pids pids.max=max"});
  EXPECT_EQ(v1_lines({{"pids", {{"limit", 0}}}}), Lines{"pids pids.max=max"});
}

TEST(CgroupFilesV1, BlockIO) {
  EXPECT_EQ(v1_lines({{"blockIO",
                       {{"weight", 300},
                        {"leafWeight", 200},
                        {"weightDevice", {{{"major", 8}, {"minor", 0}, {"weight", 500}, {"leafWeight", 300}}, {{"major", 8}, {"minor", 16}, {"weight", 10}}}},
                        {"throttleReadBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 600}}}},
                        {"throttleWriteBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 700}}}},
                        {"throttleReadIOPSDevice", {{{"major", 8}, {"minor", 0}, {"rate", 800}}}},
                        {"throttleWriteIOPSDevice", {{{"major", 8}, {"minor", 16}, {"rate", 300}}}}}}}),
            (Lines{
                "blkio blkio.weight=300 | blkio.bfq.weight=300",
                "blkio blkio.leaf_weight=200",
                "blkio blkio.weight_device=8:0 500 | blkio.bfq.weight_device=8:0 500",
                "blkio blkio.leaf_weight_device=8:0 300",
                "blkio blkio.weight_device=8:16 10 | blkio.bfq.weight_device=8:16 10",
                "blkio blkio.throttle.read_bps_device=8:0 600",
                "blkio blkio.throttle.write_bps_device=8:0 700",
                "blkio blkio.throttle.read_iops_device=8:0 800",
                "blkio blkio.throttle.write_iops_device=8:16 300",
            }));
}

TEST(CgroupFilesV1, HugetlbNetworkRdma) {
  EXPECT_EQ(v1_lines({{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 209715200}}, {{"pageSize", "1GB"}, {"limit", 0}}}},
                      {"network", {{"classID", 1048577}, {"priorities", {{{"name", "eth0"}, {"priority", 500}}, {{"name", "lo"}, {"priority", 3}}}}}},
                      {"rdma", {{"mlx5_1", {{"hcaHandles", 3}, {"hcaObjects", 10000}}}, {"rxe3", {{"hcaObjects", 7}}}}}}),
            (Lines{
                "hugetlb hugetlb.2MB.limit_in_bytes=209715200",
                "hugetlb hugetlb.2MB.rsvd.limit_in_bytes=209715200 (optional)",
                "hugetlb hugetlb.1GB.limit_in_bytes=0",
                "hugetlb hugetlb.1GB.rsvd.limit_in_bytes=0 (optional)",
                "net_cls net_cls.classid=1048577",
                "net_prio net_prio.ifpriomap=eth0 500",
                "net_prio net_prio.ifpriomap=lo 3",
                "rdma rdma.max=mlx5_1 hca_handle=3 hca_object=10000",
                "rdma rdma.max=rxe3 hca_object=7",
            }));
}

TEST(CgroupFilesV1, DeviceRulesInTheListedOrder) {
  EXPECT_EQ(v1_lines({{"devices",
                       {{{"allow", false}, {"access", "rwm"}},
                        {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rwm"}},
                        {{"allow", true}, {"type", "c"}, {"major", 136}, {"access", "rw"}},
                        {{"allow", true}, {"type", "b"}, {"major", -1}, {"minor", -1}, {"access", "m"}},
                        {{"allow", false}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "w"}}}}}),
            (Lines{
                "devices devices.deny=a *:* rwm",
                "devices devices.allow=c 1:3 rwm",
                "devices devices.allow=c 136:* rw",
                "devices devices.allow=b *:* m",
                "devices devices.deny=c 1:3 w",
            }));
}

TEST(CgroupFilesV1, FieldsNameTheirOrigin) {
  auto w = resources_to_v1(res({{"memory", {{"limit", 5}}}, {"devices", {{{"allow", false}}}}, {"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 1}}}}}));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 4u);
  EXPECT_EQ((*w)[0].field, "memory.limit");
  EXPECT_EQ((*w)[1].field, "hugepageLimits[0]");
  EXPECT_EQ((*w)[3].field, "devices[0]");
  auto b = resources_to_v1(res({{"blockIO", {{"weightDevice", {{{"major", 8}, {"minor", 0}, {"weight", 10}}, {{"major", 8}, {"minor", 1}, {"weight", 10}}}},
                                             {"throttleWriteIOPSDevice", {{{"major", 8}, {"minor", 0}, {"rate", 1}}}}}}}));
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ((*b)[1].field, "blockIO.weightDevice[1]");
  EXPECT_EQ((*b)[2].field, "blockIO.throttleWriteIOPSDevice[0]");
}

TEST(CgroupFilesV1, UnifiedIsAnErrorOnV1) {
  EXPECT_EQ(v1_err({{"unified", {{"memory.high", "1G"}}}}),
            "linux.resources.unified: cgroup v2 files (\"memory.high\") cannot be set: this host has only cgroup v1");
}

// ------------------------------------------------------------------ v2

TEST(CgroupFilesV2, Memory) {
  EXPECT_EQ(v2_lines({{"memory", {{"limit", 104857600}, {"reservation", 52428800}, {"swap", 209715200}}}}),
            (Lines{"memory memory.swap.max=104857600", "memory memory.max=104857600", "memory memory.low=52428800"}));
  // Memory and memory+swap equal: no swap at all.
  EXPECT_EQ(v2_lines({{"memory", {{"limit", 1048576}, {"swap", 1048576}}}}),
            (Lines{"memory memory.swap.max=0", "memory memory.max=1048576"}));
  EXPECT_EQ(v2_lines({{"memory", {{"limit", -1}}}}), (Lines{"memory memory.swap.max=max (optional)", "memory memory.max=max"}));
  EXPECT_EQ(v2_lines({{"memory", {{"limit", 1048576}, {"swap", -1}, {"reservation", -1}}}}),
            (Lines{"memory memory.swap.max=max", "memory memory.max=1048576", "memory memory.low=max"}));
  // The v1 knobs at their default values are accepted and write nothing.
  EXPECT_EQ(v2_lines({{"memory", {{"kernel", -1}, {"kernelTCP", -1}, {"disableOOMKiller", false}, {"useHierarchy", true},
                                  {"checkBeforeUpdate", true}}}}),
            Lines{});
}

TEST(CgroupFilesV2, SwapNeedsALimit) {
  EXPECT_EQ(v2_err({{"memory", {{"swap", 1048576}}}}),
            "linux.resources.memory.swap: cgroup v2 cannot limit swap without a memory limit (set memory.limit too)");
  EXPECT_EQ(v2_err({{"memory", {{"limit", -1}, {"swap", 1048576}}}}),
            "linux.resources.memory.swap: cgroup v2 cannot limit swap without a memory limit (set memory.limit too)");
  EXPECT_EQ(v2_err({{"memory", {{"limit", 2097152}, {"swap", 1048576}}}}),
            "linux.resources.memory.swap: must not be lower than memory.limit (swap is the limit of memory+swap)");
}

TEST(CgroupFilesV2, V1OnlyKnobsAreErrorsNamingTheField) {
  EXPECT_EQ(v2_err({{"memory", {{"swappiness", 10}}}}), "linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness");
  EXPECT_EQ(v2_err({{"memory", {{"kernel", 1048576}}}}), "linux.resources.memory.kernel: kernel memory limits do not exist on cgroup v2");
  EXPECT_EQ(v2_err({{"memory", {{"kernelTCP", 1048576}}}}),
            "linux.resources.memory.kernelTCP: kernel TCP memory limits do not exist on cgroup v2");
  EXPECT_EQ(v2_err({{"memory", {{"disableOOMKiller", true}}}}),
            "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
  EXPECT_EQ(v2_err({{"memory", {{"useHierarchy", false}}}}),
            "linux.resources.memory.useHierarchy: cgroup v2 accounting is always hierarchical");
  EXPECT_EQ(v2_err({{"cpu", {{"realtimeRuntime", 950000}}}}),
            "linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime scheduler limits");
  EXPECT_EQ(v2_err({{"cpu", {{"realtimePeriod", 1000000}}}}),
            "linux.resources.cpu.realtimePeriod: cgroup v2 has no realtime scheduler limits");
  EXPECT_EQ(v2_err({{"blockIO", {{"leafWeight", 100}}}}), "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weights");
  EXPECT_EQ(v2_err({{"blockIO", {{"weightDevice", {{{"major", 8}, {"minor", 0}, {"leafWeight", 100}}}}}}}),
            "linux.resources.blockIO.weightDevice[0].leafWeight: cgroup v2 has no leaf weights");
  EXPECT_EQ(v2_err({{"network", {{"classID", 1}}}}), "linux.resources.network.classID: cgroup v2 has no net_cls controller");
  EXPECT_EQ(v2_err({{"network", {{"priorities", {{{"name", "eth0"}, {"priority", 1}}}}}}}),
            "linux.resources.network.priorities: cgroup v2 has no net_prio controller");
  EXPECT_EQ(v2_err({{"network", json::object()}}), "");
}

TEST(CgroupFilesV2, Cpu) {
  EXPECT_EQ(v2_lines({{"cpu", {{"shares", 1024}, {"quota", 50000}, {"period", 100000}, {"burst", 1000}, {"idle", 1},
                               {"cpus", "0-1"}, {"mems", "0"}}}}),
            (Lines{
                "cpu cpu.weight=39",
                "cpu cpu.max=50000 100000",
                "cpu cpu.max.burst=1000",
                "cpu cpu.idle=1",
                "cpuset cpuset.cpus=0-1",
                "cpuset cpuset.mems=0",
            }));
  EXPECT_EQ(v2_lines({{"cpu", {{"quota", -1}, {"period", 100000}}}}), Lines{"cpu cpu.max=max 100000"});
  EXPECT_EQ(v2_lines({{"cpu", {{"period", 250000}}}}), Lines{"cpu cpu.max=max 250000"});
  EXPECT_EQ(v2_lines({{"cpu", {{"quota", 20000}}}}), Lines{"cpu cpu.max=20000"});
  EXPECT_EQ(v2_lines({{"cpu", {{"quota", -1}}}}), Lines{"cpu cpu.max=max"});
  EXPECT_EQ(v2_lines({{"cpu", {{"shares", 0}, {"quota", 0}, {"period", 0}, {"idle", 0}}}}), Lines{"cpu cpu.idle=0 (optional)"});
}

TEST(CgroupFilesV2, PidsHugetlbRdma) {
  EXPECT_EQ(v2_lines({{"pids", {{"limit", 100}}},
                      {"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 209715200}}}},
                      {"rdma", {{"mlx5_1", {{"hcaHandles", 3}}}}}}),
            (Lines{
                "pids pids.max=100",
                "hugetlb hugetlb.2MB.max=209715200",
                "hugetlb hugetlb.2MB.rsvd.max=209715200 (optional)",
                "rdma rdma.max=mlx5_1 hca_handle=3",
            }));
  EXPECT_EQ(v2_lines({{"pids", {{"limit", -1}}}}), Lines{"pids pids.max=max"});
}

TEST(CgroupFilesV2, IO) {
  EXPECT_EQ(v2_lines({{"blockIO",
                       {{"weight", 500},
                        {"weightDevice", {{{"major", 8}, {"minor", 0}, {"weight", 100}}, {{"major", 8}, {"minor", 16}, {"weight", 0}}}},
                        {"throttleReadBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 600}}}},
                        {"throttleWriteBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 700}}}},
                        {"throttleReadIOPSDevice", {{{"major", 8}, {"minor", 0}, {"rate", 800}}}},
                        {"throttleWriteIOPSDevice", {{{"major", 8}, {"minor", 16}, {"rate", 300}}}}}}}),
            (Lines{
                "io io.bfq.weight=500 | io.weight=4950",
                "io io.bfq.weight=8:0 100 | io.weight=8:0 910",
                "io io.bfq.weight=8:16 0 | io.weight=8:16 default",
                "io io.max=8:0 rbps=600",
                "io io.max=8:0 wbps=700",
                "io io.max=8:0 riops=800",
                "io io.max=8:16 wiops=300",
            }));
}

TEST(CgroupFilesV2, DeviceRulesAreNoFileWrites) {
  // No rules, or only allow rules, ask for nothing beyond the v2 default (everything allowed).
  EXPECT_EQ(v2_lines({{"devices", json::array()}}), Lines{});
  EXPECT_EQ(v2_lines({{"devices", {{{"allow", true}, {"access", "rwm"}},
                                   {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rw"}}}}}),
            Lines{});
  // Deny rules too: on v2 they become an eBPF program (device_filter.cpp), not file writes.
  EXPECT_EQ(v2_lines({{"devices", {{{"allow", false}, {"access", "rwm"}}}}}), Lines{});
}

TEST(CgroupFilesV2, UnifiedVerbatimAndLast) {
  auto w = resources_to_v2(res({{"unified", {{"memory.high", "1073741824"}, {"io.max", "259:0 rbps=2097152\n253:0 wiops=120"},
                                             {"cgroup.freeze", "0"}}},
                                {"pids", {{"limit", 5}}}}));
  ASSERT_TRUE(w.has_value()) << error_of(w);
  EXPECT_EQ(lines(*w), (Lines{
                           "pids pids.max=5",
                           "cgroup cgroup.freeze=0",
                           "io io.max=259:0 rbps=2097152\n253:0 wiops=120",
                           "memory memory.high=1073741824",
                       }));
  EXPECT_EQ((*w)[3].field, "unified.memory.high");
}

// ------------------------------------------------------------------ hybrid

HybridControllers this_host() {
  // The CI host: v1 for everything it has, cgroup2 offering only hugetlb.
  return {{"memory", "cpu", "cpuset", "pids", "blkio", "devices"}, {"hugetlb"}};
}

TEST(CgroupFilesHybrid, HugetlbGoesToCgroup2RestStaysV1) {
  auto w = resources_to_hybrid(res({{"memory", {{"limit", 1048576}}},
                                    {"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 4194304}}}},
                                    {"network", {{"classID", 7}}},
                                    {"unified", {{"hugetlb.1GB.max", "0"}}}}),
                               this_host());
  ASSERT_TRUE(w.has_value()) << error_of(w);
  EXPECT_EQ(lines(*w), (Lines{
                           "memory memory.limit_in_bytes=1048576",
                           "hugetlb hugetlb.2MB.max=4194304",
                           "hugetlb hugetlb.2MB.rsvd.max=4194304 (optional)",
                           "net_cls net_cls.classid=7",  // no such hierarchy: applying will say so
                           "hugetlb hugetlb.1GB.max=0",
                       }));
  EXPECT_FALSE((*w)[0].v2);
  EXPECT_TRUE((*w)[1].v2);
  EXPECT_FALSE((*w)[3].v2);
  EXPECT_TRUE((*w)[4].v2);
}

TEST(CgroupFilesHybrid, ControllersOnlyOnCgroup2UseTheV2Translation) {
  HybridControllers host{{"cpu", "devices"}, {"memory", "pids", "io"}};
  auto w = resources_to_hybrid(res({{"memory", {{"limit", 1048576}}}, {"cpu", {{"shares", 1024}}}, {"pids", {{"limit", 9}}},
                                    {"blockIO", {{"weight", 500}}}}),
                               host);
  ASSERT_TRUE(w.has_value()) << error_of(w);
  EXPECT_EQ(lines(*w), (Lines{"memory memory.max=1048576", "cpu cpu.shares=1024", "pids pids.max=9",
                              "io io.bfq.weight=500 | io.weight=4950"}));
  // The v1-only knobs of a controller that is on cgroup2 are refused like on pure v2.
  EXPECT_EQ(error_of(resources_to_hybrid(res({{"memory", {{"swappiness", 5}}}}), host)),
            "linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness");
}

TEST(CgroupFilesHybrid, UnifiedKeysMustBeOfferedByCgroup2) {
  EXPECT_EQ(error_of(resources_to_hybrid(res({{"unified", {{"memory.high", "1G"}}}}), this_host())),
            "linux.resources.unified.memory.high: the memory controller is not available in this host's cgroup v2 "
            "hierarchy (a v1/v2 hybrid: it is a v1 controller or absent)");
  EXPECT_EQ(error_of(resources_to_hybrid(res({{"unified", {{"cgroup.max.depth", "3"}}}}), this_host())), "");
}

}  // namespace
}  // namespace runz::linux
