// runz.partition.* annotations over the OCI resources over the boot config and defaults.
#include <gtest/gtest.h>

#include "backends/partition/annotations.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::partition {
namespace {

using test::error_of;
using Annotations = std::map<std::string, std::string>;

Result<PartitionRequest> request(const Annotations& a, const ResourceHints& h = {}, const BootConfig& b = {}) {
  return partition_request(a, h, b);
}

TEST(PartitionRequest, Defaults) {
  auto r = request({});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cpu_count, 1u);
  EXPECT_TRUE(r->cpus.empty());
  EXPECT_EQ(r->memory, 64ull << 20);
  EXPECT_TRUE(r->devices.empty());
  EXPECT_EQ(r->rpu, "");
  EXPECT_FALSE(r->ivshmem);
}

TEST(PartitionRequest, CpusFromQuotaAndPeriod) {
  EXPECT_EQ(request({}, {.cpu_quota = 150000, .cpu_period = 100000})->cpu_count, 2u);
  EXPECT_EQ(request({}, {.cpu_quota = 200000, .cpu_period = 100000})->cpu_count, 2u);
  EXPECT_EQ(request({}, {.cpu_quota = 50000})->cpu_count, 1u);  // the kernel's period 100000
  EXPECT_EQ(request({}, {.cpu_quota = 300000})->cpu_count, 3u);
  EXPECT_EQ(request({}, {.cpu_quota = -1, .cpu_period = 100000})->cpu_count, 1u);
  EXPECT_EQ(error_of(request({}, {.cpu_quota = 1000, .cpu_period = 0})), "linux.resources.cpu.period: must not be zero with a quota");
}

TEST(PartitionRequest, CpusFromCpuset) {
  auto r = request({}, {.cpu_quota = 400000, .cpu_period = 100000, .cpuset_cpus = "2-3"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cpus, (CpuSet{2, 3}));
  EXPECT_EQ(r->cpu_count, 2u);
  EXPECT_CONTAINS(error_of(request({}, {.cpuset_cpus = "a"})), "linux.resources.cpu.cpus: bad CPU list \"a\"");
}

TEST(PartitionRequest, CpusAnnotation) {
  ResourceHints many{.cpu_quota = 400000, .cpuset_cpus = "1-3"};
  auto count = request({{"runz.partition.cpus", "2"}}, many);
  ASSERT_TRUE(count);
  EXPECT_EQ(count->cpu_count, 2u);
  EXPECT_TRUE(count->cpus.empty());
  auto list = request({{"runz.partition.cpus", "2,3"}}, many);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->cpus, (CpuSet{2, 3}));
  EXPECT_EQ(request({{"runz.partition.cpus", "3-3"}})->cpus, CpuSet{3});
  for (auto bad : {"0", "", "two", "-1", "99999"})
    EXPECT_CONTAINS(error_of(request({{"runz.partition.cpus", bad}})), "annotation runz.partition.cpus=\"" + std::string(bad) + "\": ");
  EXPECT_EQ(error_of(request({{"runz.partition.cpus", "3,1-x"}})),
            "annotation runz.partition.cpus=\"3,1-x\": bad CPU list \"3,1-x\": \"x\" is not a CPU number");
}

TEST(PartitionRequest, Memory) {
  EXPECT_EQ(request({}, {.memory_limit = 256ll << 20})->memory, 256ull << 20);
  EXPECT_EQ(request({}, {.memory_limit = -1})->memory, kDefaultMemory);
  EXPECT_EQ(request({{"runz.partition.memory", "128M"}}, {.memory_limit = 1ll << 30})->memory, 128ull << 20);
  EXPECT_EQ(request({{"runz.partition.memory", "1GiB"}})->memory, 1ull << 30);
  EXPECT_EQ(request({{"runz.partition.memory", "512kb"}})->memory, 512ull << 10);
  EXPECT_EQ(request({{"runz.partition.memory", "4096"}})->memory, 4096u);
  EXPECT_EQ(request({{"runz.partition.memory", " 2 g "}})->memory, 2ull << 30);
  for (auto bad : {"", "0", "M", "12Q", "1.5G", "-4M", "99999999999T", "4 MiBs"})
    EXPECT_EQ(error_of(request({{"runz.partition.memory", bad}})),
              "annotation runz.partition.memory=\"" + std::string(bad) + "\": expected a size like \"128M\" or \"1G\"");
}

TEST(PartitionRequest, Devices) {
  EXPECT_EQ(request({{"runz.partition.devices", "uart1, ivshmem0"}})->devices, (std::vector<std::string>{"uart1", "ivshmem0"}));
  EXPECT_TRUE(request({{"runz.partition.devices", ""}})->devices.empty());
  EXPECT_EQ(error_of(request({{"runz.partition.devices", "a,,b"}})), "annotation runz.partition.devices=\"a,,b\": empty device name");
  EXPECT_EQ(error_of(request({{"runz.partition.devices", "a,a"}})), "annotation runz.partition.devices=\"a,a\": device \"a\" named twice");
}

TEST(PartitionRequest, RpuAndComm) {
  BootConfig wants;
  wants.rpu_req = true;
  wants.ivshmem = true;
  auto r = request({}, {}, wants);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rpu, "any");
  EXPECT_TRUE(r->ivshmem);
  EXPECT_EQ(request({{"runz.partition.rpu", "r5-1"}})->rpu, "r5-1");
  EXPECT_EQ(request({{"runz.partition.rpu", "none"}}, {}, wants)->rpu, "");
  EXPECT_EQ(request({{"runz.partition.rpu", "any"}})->rpu, "any");
  EXPECT_EQ(error_of(request({{"runz.partition.rpu", " "}})), "annotation runz.partition.rpu=\" \": expected an rproc name, \"any\" or \"none\"");
}

}  // namespace
}  // namespace runz::backends::partition
