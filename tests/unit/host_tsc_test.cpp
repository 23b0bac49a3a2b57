// The host TSC frequency for tsc_early_khz: /proc/cpuinfo only when it states the TSC rate.
#include <gtest/gtest.h>

#include "backends/vm/host_tsc.hpp"

namespace runz::backends::vm {
namespace {

TEST(HostTsc, CpuinfoOfAVmWithKnownTscFrequency) {
  EXPECT_EQ(tsc_khz_from_cpuinfo("processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2596.136\n"
                                 "flags\t\t: fpu tsc constant_tsc tsc_known_freq hypervisor\n"
                                 "processor\t: 1\ncpu MHz\t\t: 1.000\n"),
            2596136u);
  EXPECT_EQ(tsc_khz_from_cpuinfo("cpu MHz : 2000.5\nflags : tsc_known_freq\n"), 2000500u);
  EXPECT_EQ(tsc_khz_from_cpuinfo("cpu MHz : 3000\nflags : tsc_known_freq\n"), 3000000u);
}

TEST(HostTsc, CpuinfoThatDoesNotStateTheTscRate) {
  // Bare metal: "cpu MHz" is the current clock (APERF/MPERF), not the TSC's.
  EXPECT_FALSE(tsc_khz_from_cpuinfo("cpu MHz : 800.000\nflags : tsc_known_freq aperfmperf\n"));
  EXPECT_FALSE(tsc_khz_from_cpuinfo("cpu MHz : 2596.136\nflags : tsc constant_tsc\n"));
  EXPECT_FALSE(tsc_khz_from_cpuinfo("flags : tsc_known_freq\n"));
  EXPECT_FALSE(tsc_khz_from_cpuinfo("cpu MHz : fast\nflags : tsc_known_freq\n"));
  EXPECT_FALSE(tsc_khz_from_cpuinfo(""));
}

TEST(HostTsc, HostValueIsPlausible) {
  auto khz = host_tsc_khz();
  ASSERT_TRUE(khz) << khz.error().message;
  EXPECT_GT(*khz, 100000u);      // > 100 MHz
  EXPECT_LT(*khz, 10000000u);    // < 10 GHz
}

}  // namespace
}  // namespace runz::backends::vm
