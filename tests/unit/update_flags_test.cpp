// `update`'s individual flags → Resources, with runc's meanings (0 leaves a value alone,
// memory sizes with units, -1 unlimited) and errors naming the flag.
#include <gtest/gtest.h>

#include "core/update_flags.hpp"
#include "unit_helpers.hpp"

namespace runz::core {
namespace {

using runz::test::error_of;
using Flags = std::map<std::string, std::string>;

linux::Resources ok(const Flags& f) {
  auto r = resources_from_update_flags(f);
  EXPECT_TRUE(r.has_value()) << error_of(r);
  return r ? *r : linux::Resources{};
}

TEST(RamInBytes, UnitsLikeGoUnits) {
  EXPECT_EQ(parse_ram_in_bytes("512").value_or(-2), 512);
  EXPECT_EQ(parse_ram_in_bytes("512m").value_or(-2), 512ll << 20);
  EXPECT_EQ(parse_ram_in_bytes("512M").value_or(-2), 512ll << 20);
  EXPECT_EQ(parse_ram_in_bytes("1g").value_or(-2), 1ll << 30);
  EXPECT_EQ(parse_ram_in_bytes("1GiB").value_or(-2), 1ll << 30);
  EXPECT_EQ(parse_ram_in_bytes("1gb").value_or(-2), 1ll << 30);
  EXPECT_EQ(parse_ram_in_bytes("100k").value_or(-2), 102400);
  EXPECT_EQ(parse_ram_in_bytes("2 t").value_or(-2), 2ll << 40);
  EXPECT_EQ(parse_ram_in_bytes("1p").value_or(-2), 1ll << 50);
  EXPECT_EQ(parse_ram_in_bytes("1.5g").value_or(-2), 3ll << 29);
  EXPECT_EQ(parse_ram_in_bytes("10b").value_or(-2), 10);
  for (const char* bad : {"", "abc", "-1", "1x", "1.g", "m", "1 g b", "1gg", "99999999999p"})
    EXPECT_FALSE(parse_ram_in_bytes(bad).has_value()) << bad;
}

TEST(UpdateFlags, NoFlagsIsEmpty) {
  EXPECT_TRUE(ok({}).empty());
  EXPECT_TRUE(ok({{"memory", ""}, {"cpu-share", "0"}, {"pids-limit", "0"}, {"cpu-quota", "0"}}).empty())
      << "0 and empty leave values alone, as in runc";
}

TEST(UpdateFlags, Memory) {
  auto r = ok({{"memory", "512m"}, {"memory-swap", "1g"}, {"memory-reservation", "100M"}, {"kernel-memory-tcp", "64m"}});
  ASSERT_TRUE(r.memory);
  EXPECT_EQ(r.memory->limit, 512ll << 20);
  EXPECT_EQ(r.memory->swap, 1ll << 30);
  EXPECT_EQ(r.memory->reservation, 100ll << 20);
  EXPECT_EQ(r.memory->kernel_tcp, 64ll << 20);
  EXPECT_FALSE(r.memory->kernel);
  EXPECT_FALSE(r.cpu);
  EXPECT_FALSE(r.pids);
  r = ok({{"memory", "-1"}});
  EXPECT_EQ(r.memory->limit, -1);
  EXPECT_FALSE(r.memory->swap);
}

TEST(UpdateFlags, Cpu) {
  auto r = ok({{"cpu-period", "100000"}, {"cpu-quota", "-1"}, {"cpu-share", "512"}, {"cpu-rt-period", "1000000"},
               {"cpu-rt-runtime", "950000"}, {"cpuset-cpus", "0-1,3"}, {"cpuset-mems", "0"}});
  ASSERT_TRUE(r.cpu);
  EXPECT_EQ(r.cpu->period, 100000u);
  EXPECT_EQ(r.cpu->quota, -1);
  EXPECT_EQ(r.cpu->shares, 512u);
  EXPECT_EQ(r.cpu->realtime_period, 1000000u);
  EXPECT_EQ(r.cpu->realtime_runtime, 950000);
  EXPECT_EQ(r.cpu->cpus, "0-1,3");
  EXPECT_EQ(r.cpu->mems, "0");
  EXPECT_FALSE(r.memory);
}

TEST(UpdateFlags, PidsAndBlkio) {
  auto r = ok({{"pids-limit", "50"}, {"blkio-weight", "500"}});
  ASSERT_TRUE(r.pids);
  EXPECT_EQ(r.pids->limit, 50);
  ASSERT_TRUE(r.block_io);
  EXPECT_EQ(r.block_io->weight, 500);
  EXPECT_EQ(ok({{"pids-limit", "-1"}}).pids->limit, -1);
  EXPECT_EQ(ok({{"pids-limit", "-5"}}).pids->limit, -1) << "any negative is unlimited";
}

TEST(UpdateFlags, ErrorsNameTheFlag) {
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"memory", "abc"}})), "invalid value for memory");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"memory-swap", "1q"}})), "memory-swap");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"cpu-quota", "abc"}})), "invalid value for cpu-quota");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"cpu-quota", "-5"}})), "cpu-quota");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"cpu-period", "-5"}})), "cpu-period");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"cpu-share", "1.5"}})), "cpu-share");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"pids-limit", "x"}})), "pids-limit");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"blkio-weight", "5"}})), "blkio-weight");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"blkio-weight", "1001"}})), "10 to 1000");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"cpuset-cpus", "0 1"}})), "cpuset-cpus");
}

TEST(UpdateFlags, IntelRdtIsRefused) {
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"l3-cache-schema", "L3:0=f"}})), "not supported");
  EXPECT_CONTAINS(error_of(resources_from_update_flags({{"mem-bw-schema", "MB:0=50"}})), "not supported");
}

}  // namespace
}  // namespace runz::core
