// Stats of a container read from fake cgroup trees (v1, v2, hybrid), and the JSON document
// of `events --stats` in runc's shape.
#include <gtest/gtest.h>
#include <fcntl.h>

#include <limits>
#include <string>
#include <vector>

#include "fake_cgroup.hpp"
#include "core/stats_json.hpp"
#include "linux/cgroup.hpp"
#include "linux/cgroup_stats.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

using runz::test::error_of;
using runz::test::json;
using runz::test::TempDir;

using runz::test::FakeCgroup;

struct Tree {
  TempDir tmp;
  const std::string& root() const { return tmp.path(); }
  void file(const std::string& rel, const std::string& content) {
    std::string p = root() + "/" + rel;
    ASSERT_TRUE(mkdir_p(p.substr(0, p.find_last_of('/'))).has_value());
    auto fd = open_fd(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(fd.has_value()) << p;
    ASSERT_TRUE(write_all(fd->get(), content).has_value()) << p;
  }
};

// A v1 container cgroup /c1 as this project's CI host has it (values made up).
void make_v1(Tree& t) {
  t.file("cpuacct/c1/cpuacct.usage", "3000\n");
  t.file("cpuacct/c1/cpuacct.usage_percpu", "1000 2000 \n");
  t.file("cpuacct/c1/cpuacct.usage_all", "cpu user system\n0 700 300\n1 1500 500\n");
  t.file("cpuacct/c1/cpuacct.stat", "user 2\nsystem 1\n");
  t.file("cpu/c1/cpu.stat", "nr_periods 11\nnr_throttled 10\nthrottled_time 739451776\n");
  t.file("cpuset/c1/cpuset.cpus", "0-2,5\n");
  t.file("cpuset/c1/cpuset.mems", "0\n");
  t.file("cpuset/c1/cpuset.sched_load_balance", "1\n");
  t.file("cpuset/c1/cpuset.sched_relax_domain_level", "-1\n");
  t.file("memory/c1/memory.usage_in_bytes", "733184\n");
  t.file("memory/c1/memory.max_usage_in_bytes", "2260992\n");
  t.file("memory/c1/memory.limit_in_bytes", "67108864\n");
  t.file("memory/c1/memory.failcnt", "3\n");
  t.file("memory/c1/memory.memsw.usage_in_bytes", "833184\n");
  t.file("memory/c1/memory.memsw.limit_in_bytes", "9223372036854771712\n");
  t.file("memory/c1/memory.kmem.usage_in_bytes", "323584\n");
  t.file("memory/c1/memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n");
  t.file("memory/c1/memory.stat", "cache 4096\nrss 102400\ntotal_rss 102400\n");
  t.file("memory/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  t.file("pids/c1/pids.current", "2\n");
  t.file("pids/c1/pids.max", "max\n");
  // bfq files exist but are empty (the disk is not on bfq): the throttle files count.
  t.file("blkio/c1/blkio.bfq.io_service_bytes_recursive", "Total 0\n");
  t.file("blkio/c1/blkio.throttle.io_service_bytes_recursive",
         "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n");
  t.file("blkio/c1/blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\nTotal 3\n");
  t.file("hugetlb/c1/hugetlb.2MB.usage_in_bytes", "2097152\n");
  t.file("hugetlb/c1/hugetlb.2MB.max_usage_in_bytes", "4194304\n");
  t.file("hugetlb/c1/hugetlb.2MB.failcnt", "1\n");
  t.file("hugetlb/c1/hugetlb.2MB.limit_in_bytes", "8388608\n");
}

TEST(CgroupStatsV1, ReadsEveryController) {
  Tree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/c1", t.root());
  ASSERT_EQ(cg->layout(), CgroupLayout::v1);
  auto s = read_cgroup_stats(*cg, t.root());
  ASSERT_TRUE(s.has_value()) << error_of(s);
  EXPECT_EQ(s->cpu.usage.total, 3000u);
  EXPECT_EQ(s->cpu.usage.percpu, (std::vector<uint64_t>{1000, 2000}));
  EXPECT_EQ(s->cpu.usage.percpu_user, (std::vector<uint64_t>{700, 1500}));
  EXPECT_EQ(s->cpu.usage.percpu_kernel, (std::vector<uint64_t>{300, 500}));
  uint64_t tick = 1000000000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
  EXPECT_EQ(s->cpu.usage.user, 2 * tick);
  EXPECT_EQ(s->cpu.usage.kernel, 1 * tick);
  EXPECT_EQ(s->cpu.throttling.periods, 11u);
  EXPECT_EQ(s->cpu.throttling.throttled_periods, 10u);
  EXPECT_EQ(s->cpu.throttling.throttled_time, 739451776u);
  EXPECT_EQ(s->cpuset.cpus, (std::vector<uint16_t>{0, 1, 2, 5}));
  EXPECT_EQ(s->cpuset.mems, (std::vector<uint16_t>{0}));
  EXPECT_EQ(s->cpuset.sched_load_balance, 1u);
  EXPECT_EQ(s->cpuset.sched_relax_domain_level, -1);
  EXPECT_EQ(s->memory.usage.usage, 733184u);
  EXPECT_EQ(s->memory.usage.max, 2260992u);
  EXPECT_EQ(s->memory.usage.limit, 67108864u);
  EXPECT_EQ(s->memory.usage.failcnt, 3u);
  EXPECT_EQ(s->memory.swap.usage, 833184u);
  EXPECT_EQ(s->memory.kernel.usage, 323584u);
  EXPECT_EQ(s->memory.kernel_tcp.limit, 9223372036854771712u);
  EXPECT_EQ(s->memory.cache, 4096u);
  EXPECT_EQ(s->memory.raw.at("rss"), 102400u);
  EXPECT_EQ(s->memory.oom_kill, 2u);
  EXPECT_EQ(s->pids.current, 2u);
  EXPECT_EQ(s->pids.limit, 0u) << "max is reported as 0 (no limit)";
  ASSERT_EQ(s->blkio.io_service_bytes_recursive.size(), 6u);
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[0].op, "Read");
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[0].major, 8u);
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[0].value, 4096u);
  ASSERT_EQ(s->blkio.io_serviced_recursive.size(), 2u);
  EXPECT_EQ(s->blkio.io_serviced_recursive[1].value, 2u);
  ASSERT_TRUE(s->hugetlb.contains("2MB"));
  EXPECT_EQ(s->hugetlb.at("2MB").usage, 2097152u);
  EXPECT_EQ(s->hugetlb.at("2MB").max, 4194304u);
  EXPECT_EQ(s->hugetlb.at("2MB").failcnt, 1u);
}

TEST(CgroupStatsV1, MissingControllersLeaveZeros) {
  Tree t;
  t.file("pids/c1/pids.current", "1\n");
  t.file("pids/c1/pids.max", "10\n");
  auto cg = make_cgroup_manager("/c1", t.root());
  auto s = read_cgroup_stats(*cg, t.root());
  ASSERT_TRUE(s.has_value()) << error_of(s);
  EXPECT_EQ(s->pids.limit, 10u);
  EXPECT_EQ(s->cpu.usage.total, 0u);
  EXPECT_TRUE(s->memory.raw.empty());
  EXPECT_TRUE(s->hugetlb.empty());
}

TEST(CgroupStats, NoCgroupIsAnError) {
  Tree t;
  t.file("pids/other/pids.current", "1\n");
  auto cg = make_cgroup_manager("/c1", t.root());
  EXPECT_CONTAINS(error_of(read_cgroup_stats(*cg, t.root())), "does not exist");
}

void make_v2(Tree& t) {
  t.file("c1/cpu.stat",
         "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 4\nnr_throttled 1\nthrottled_usec 70\n");
  t.file("c1/cpuset.cpus.effective", "0-1\n");
  t.file("c1/cpuset.mems.effective", "0\n");
  t.file("c1/memory.current", "1000\n");
  t.file("c1/memory.max", "4096\n");
  t.file("c1/memory.peak", "2000\n");
  t.file("c1/memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
  t.file("c1/memory.swap.current", "100\n");
  t.file("c1/memory.swap.max", "max\n");
  t.file("c1/memory.stat", "anon 800\nfile 200\n");
  t.file("c1/pids.current", "3\n");
  t.file("c1/pids.max", "64\n");
  t.file("c1/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
  t.file("c1/hugetlb.2MB.current", "2097152\n");
  t.file("c1/hugetlb.2MB.events", "max 4\n");
  t.file("c1/hugetlb.2MB.rsvd.current", "0\n");
}

TEST(CgroupStatsV2, ReadsTheUnifiedFiles) {
  Tree t;
  make_v2(t);
  FakeCgroup cg(CgroupLayout::v2, "/c1");
  auto s = read_cgroup_stats(cg, t.root());
  ASSERT_TRUE(s.has_value()) << error_of(s);
  EXPECT_EQ(s->cpu.usage.total, 5000000u);
  EXPECT_EQ(s->cpu.usage.user, 3000000u);
  EXPECT_EQ(s->cpu.usage.kernel, 2000000u);
  EXPECT_TRUE(s->cpu.usage.percpu.empty());
  EXPECT_EQ(s->cpu.throttling.periods, 4u);
  EXPECT_EQ(s->cpu.throttling.throttled_periods, 1u);
  EXPECT_EQ(s->cpu.throttling.throttled_time, 70000u);
  EXPECT_EQ(s->cpuset.cpus, (std::vector<uint16_t>{0, 1}));
  EXPECT_EQ(s->memory.usage.usage, 1000u);
  EXPECT_EQ(s->memory.usage.limit, 4096u);
  EXPECT_EQ(s->memory.usage.max, 2000u);
  EXPECT_EQ(s->memory.usage.failcnt, 5u);
  EXPECT_EQ(s->memory.swap.usage, 1100u) << "memory+swap, as v1 counts it";
  EXPECT_EQ(s->memory.swap.limit, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(s->memory.cache, 200u);
  EXPECT_EQ(s->memory.oom_kill, 1u);
  EXPECT_EQ(s->pids.current, 3u);
  EXPECT_EQ(s->pids.limit, 64u);
  ASSERT_EQ(s->blkio.io_service_bytes_recursive.size(), 3u);
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[1].op, "Write");
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[1].value, 8192u);
  ASSERT_EQ(s->blkio.io_serviced_recursive.size(), 3u);
  EXPECT_EQ(s->blkio.io_serviced_recursive[0].value, 1u);
  ASSERT_EQ(s->hugetlb.size(), 1u) << "the rsvd files are not a page size";
  EXPECT_EQ(s->hugetlb.at("2MB").usage, 2097152u);
  EXPECT_EQ(s->hugetlb.at("2MB").failcnt, 4u);
}

TEST(CgroupStatsHybrid, HugetlbFromTheUnifiedMount) {
  Tree t;
  t.file("memory/c1/memory.usage_in_bytes", "10\n");
  t.file("unified/c1/hugetlb.1GB.current", "0\n");
  t.file("unified/c1/hugetlb.1GB.events", "max 0\n");
  FakeCgroup cg(CgroupLayout::hybrid, "/c1");
  auto s = read_cgroup_stats(cg, t.root());
  ASSERT_TRUE(s.has_value()) << error_of(s);
  EXPECT_EQ(s->memory.usage.usage, 10u);
  EXPECT_TRUE(s->hugetlb.contains("1GB"));
}

TEST(CpuList, Ranges) {
  EXPECT_EQ(parse_cpu_list("0-3,5\n"), (std::vector<uint16_t>{0, 1, 2, 3, 5}));
  EXPECT_EQ(parse_cpu_list(""), (std::vector<uint16_t>{}));
  EXPECT_EQ(parse_cpu_list("7"), (std::vector<uint16_t>{7}));
  EXPECT_EQ(parse_cpu_list("3-1,x,2"), (std::vector<uint16_t>{2}));
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

TEST(StatsJson, RuncShapeFromAV1Tree) {
  Tree t;
  make_v1(t);
  auto cg = make_cgroup_manager("/c1", t.root());
  auto s = read_cgroup_stats(*cg, t.root());
  ASSERT_TRUE(s.has_value()) << error_of(s);
  std::string text = core::stats_event_json("c1", *s);
  EXPECT_EQ(text.find('\n'), std::string::npos) << "one line";
  auto j = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"type", "id", "data"}));
  EXPECT_EQ(j["type"], "stats");
  EXPECT_EQ(j["id"], "c1");
  auto& d = j["data"];
  EXPECT_EQ(keys(d), (std::vector<std::string>{"cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt",
                                               "network_interfaces"}));
  EXPECT_EQ(keys(d["cpu"]), (std::vector<std::string>{"usage", "throttling"}));
  EXPECT_EQ(keys(d["cpu"]["usage"]),
            (std::vector<std::string>{"total", "percpu", "percpu_kernel", "percpu_user", "kernel", "user"}));
  EXPECT_EQ(d["cpu"]["usage"]["percpu"], json::array({1000, 2000}));
  EXPECT_EQ(keys(d["cpu"]["throttling"]), (std::vector<std::string>{"periods", "throttledPeriods", "throttledTime"}));
  EXPECT_EQ(d["cpuset"]["cpus"], json::array({0, 1, 2, 5}));
  EXPECT_EQ(d["cpuset"]["sched_relax_domain_level"], -1);
  EXPECT_EQ(keys(d["memory"]), (std::vector<std::string>{"cache", "usage", "swap", "kernel", "kernelTCP", "raw"}));
  EXPECT_EQ(keys(d["memory"]["usage"]), (std::vector<std::string>{"limit", "usage", "max", "failcnt"}));
  // Zero fields are left out where runc's Go structs say omitempty; limit and failcnt stay.
  EXPECT_EQ(keys(d["memory"]["kernelTCP"]), (std::vector<std::string>{"limit", "failcnt"}));
  EXPECT_EQ(d["memory"]["raw"]["rss"], 102400);
  EXPECT_EQ(keys(d["pids"]), (std::vector<std::string>{"current"})) << "no limit: left out";
  EXPECT_EQ(d["blkio"]["ioServiceBytesRecursive"][0],
            (nlohmann::ordered_json{{"major", 8}, {"op", "Read"}, {"value", 4096}})) << "minor 0 is left out";
  EXPECT_EQ(d["hugetlb"]["2MB"], (nlohmann::ordered_json{{"usage", 2097152}, {"max", 4194304}, {"failcnt", 1}}));
  EXPECT_TRUE(d["intel_rdt"].is_object() && d["intel_rdt"].empty());
  EXPECT_TRUE(d["network_interfaces"].is_null());
}

TEST(StatsJson, EmptyStats) {
  auto j = nlohmann::ordered_json::parse(core::stats_event_json("x", CgroupStats{}));
  auto& d = j["data"];
  EXPECT_EQ(d["cpu"], (nlohmann::ordered_json{{"usage", {{"kernel", 0}, {"user", 0}}}, {"throttling", json::object()}}));
  EXPECT_TRUE(d["blkio"].empty());
  EXPECT_TRUE(d["hugetlb"].empty());
  EXPECT_TRUE(d["pids"].empty());
  EXPECT_FALSE(d["memory"].contains("raw"));
  EXPECT_FALSE(d["memory"].contains("cache"));
  EXPECT_FALSE(d["cpuset"].contains("cpus"));
}

TEST(StatsJson, OomAndPids) {
  EXPECT_EQ(core::oom_event_json("c1"), R"({"type":"oom","id":"c1"})");
  EXPECT_EQ(core::pids_json({}), "[]");
  EXPECT_EQ(core::pids_json({1, 22, 333}), "[1,22,333]");
}

}  // namespace
}  // namespace runz::linux
