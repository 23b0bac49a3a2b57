// host_tsc_khz on fake /sys and /proc trees.
#include <gtest/gtest.h>

#include "backends/vm/host_tsc.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

void cpuinfo(const test::TempDir& dir, std::string_view mhz, std::string_view flags) {
  ASSERT_TRUE(mkdir_p(dir / "proc"));
  std::string text = "processor\t: 0\nmodel name\t: Test CPU\ncpu MHz\t\t: " + std::string(mhz) +
                     "\nflags\t\t: " + std::string(flags) + "\n\nprocessor\t: 1\ncpu MHz\t\t: 1.000\n";
  ASSERT_TRUE(write_file_atomic(dir / "proc/cpuinfo", text));
}

TEST(VmHostTsc, FromCpuinfoWhenConstant) {
  test::TempDir d;
  cpuinfo(d, "2596.136", "fpu tsc constant_tsc nonstop_tsc");
  EXPECT_EQ(host_tsc_khz(d.path()), 2596136u);
  cpuinfo(d, "3000", "fpu constant_tsc");
  EXPECT_EQ(host_tsc_khz(d.path()), 3000000u);
  cpuinfo(d, "2400.5", "constant_tsc");
  EXPECT_EQ(host_tsc_khz(d.path()), 2400500u);
}

TEST(VmHostTsc, NotWithoutConstantTscOrGarbage) {
  test::TempDir d;
  cpuinfo(d, "2596.136", "fpu tsc");
  EXPECT_EQ(host_tsc_khz(d.path()), std::nullopt);
  cpuinfo(d, "fast", "constant_tsc");
  EXPECT_EQ(host_tsc_khz(d.path()), std::nullopt);
  test::TempDir empty;
  EXPECT_EQ(host_tsc_khz(empty.path()), std::nullopt);
}

TEST(VmHostTsc, SysfsWins) {
  test::TempDir d;
  cpuinfo(d, "2596.136", "constant_tsc");
  ASSERT_TRUE(mkdir_p(d / "sys/devices/system/cpu/cpu0"));
  ASSERT_TRUE(write_file_atomic(d / "sys/devices/system/cpu/cpu0/tsc_freq_khz", "2595999\n"));
  EXPECT_EQ(host_tsc_khz(d.path()), 2595999u);
}

TEST(VmHostTsc, ThisHostHasOne) {
  // Every x86_64 host we run on has a constant TSC; elsewhere there may be none.
#if defined(__x86_64__)
  auto khz = host_tsc_khz();
  if (khz) {
    EXPECT_GT(*khz, 100000u);
  }
#endif
}

}  // namespace
}  // namespace runz::backends::vm
