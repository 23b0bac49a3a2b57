// vm_settings: host defaults, then OCI resources, then runz.vm.* annotations.
#include <gtest/gtest.h>

#include "backends/vm/vm_settings.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::error_of;
using Annotations = std::map<std::string, std::string>;

VmSettings settings_ok(const Annotations& a, const ResourceHints& h = {}, const VmDefaults& d = {}) {
  auto r = vm_settings(a, d, h);
  EXPECT_TRUE(r) << error_of(r);
  return r ? *r : VmSettings{};
}
std::string settings_error(const Annotations& a, const ResourceHints& h = {}, const VmDefaults& d = {}) {
  return error_of(vm_settings(a, d, h));
}
constexpr int64_t MiB = 1 << 20;

TEST(VmSettings, HostDefaults) {
  VmDefaults d;
  d.vcpus = 3;
  d.memory_mib = 64;
  d.accel = Accel::tcg;
  auto s = settings_ok({{"other", "x"}}, {}, d);
  EXPECT_EQ(s.vmm, "qemu");
  EXPECT_EQ(s.vcpus, 3u);
  EXPECT_EQ(s.memory_mib, 64u);
  EXPECT_EQ(s.accel, Accel::tcg);
  EXPECT_EQ(s.net, NetMode::automatic);
  EXPECT_EQ(s.machine, "");
  EXPECT_EQ(settings_ok({}).memory_mib, 128u);
}

TEST(VmSettings, VcpusFromQuotaRoundUp) {
  EXPECT_EQ(settings_ok({}, {.cpu_quota = 150000, .cpu_period = 100000}).vcpus, 2u);
  EXPECT_EQ(settings_ok({}, {.cpu_quota = 100000, .cpu_period = 100000}).vcpus, 1u);
  EXPECT_EQ(settings_ok({}, {.cpu_quota = 1000, .cpu_period = 100000}).vcpus, 1u);
  EXPECT_EQ(settings_ok({}, {.cpu_quota = 250000}).vcpus, 3u) << "default period 100ms";
  EXPECT_EQ(settings_ok({}, {.cpu_quota = -1, .cpuset_cpus = "0-1"}).vcpus, 2u) << "-1 is no quota";
  EXPECT_EQ(settings_ok({}, {.cpu_quota = INT64_MAX, .cpu_period = 1}).vcpus, 255u);
}

TEST(VmSettings, VcpusFromCpuset) {
  EXPECT_EQ(settings_ok({}, {.cpuset_cpus = "0-2,5"}).vcpus, 4u);
  EXPECT_EQ(settings_ok({}, {.cpuset_cpus = "3"}).vcpus, 1u);
  EXPECT_EQ(settings_ok({}, {.cpu_quota = 200000, .cpu_period = 100000, .cpuset_cpus = "0-7"}).vcpus, 2u)
      << "the quota wins";
  EXPECT_EQ(*count_cpuset("0-3, 2-5 ,9"), 7u);
  for (const char* bad : {"", "a", "3-1", "0-", "-2", "0,,1", "70000"})
    EXPECT_FALSE(count_cpuset(bad)) << bad;
  EXPECT_CONTAINS(settings_error({}, {.cpuset_cpus = "2-1"}), "linux.resources.cpu.cpus: \"2-1\" is not a CPU list");
}

TEST(VmSettings, MemoryFromLimit) {
  EXPECT_EQ(settings_ok({}, {.memory_limit = 256 * MiB}).memory_mib, 208u);
  EXPECT_EQ(settings_ok({}, {.memory_limit = 64 * MiB}).memory_mib, 16u);
  EXPECT_EQ(settings_ok({}, {.memory_limit = -1}).memory_mib, 128u) << "-1 is unlimited";
  VmDefaults d;
  d.vmm_overhead_mib = 40;
  EXPECT_EQ(settings_ok({}, {.memory_limit = 100 * MiB}, d).memory_mib, 60u);
}

TEST(VmSettings, MemoryLimitTooSmall) {
  std::string e = settings_error({}, {.memory_limit = 50 * MiB});
  EXPECT_CONTAINS(e, "the memory limit of 50 MiB is too small for a VM");
  EXPECT_CONTAINS(e, "the VMM needs about 48 MiB");
  EXPECT_CONTAINS(e, "ask for 64 MiB or more");
  EXPECT_CONTAINS(settings_error({}, {.memory_limit = 10 * MiB}), "10 MiB is too small");
}

TEST(VmSettings, Annotations) {
  auto s = settings_ok({{"runz.vm.vmm", "QEMU"},
                        {"runz.vm.accel", "kvm"},
                        {"runz.vm.vcpus", "4"},
                        {"runz.vm.memory", "1G"},
                        {"runz.vm.cmdline", "loglevel=7 foo=\"a b\""},
                        {"runz.vm.machine", "pc"},
                        {"runz.vm.network", "none"}},
                       {.cpu_quota = 100000, .cpu_period = 100000});
  EXPECT_EQ(s.vmm, "qemu");
  EXPECT_EQ(s.accel, Accel::kvm);
  EXPECT_EQ(s.vcpus, 4u) << "the annotation wins over the quota";
  EXPECT_EQ(s.memory_mib, 1024u);
  EXPECT_EQ(s.extra_cmdline, "loglevel=7 foo=\"a b\"");
  EXPECT_EQ(s.machine, "pc");
  EXPECT_EQ(s.net, NetMode::none);
  EXPECT_EQ(settings_ok({{"runz.vm.accel", "auto"}, {"runz.vm.network", "tap"}}).net, NetMode::tap);
}

TEST(VmSettings, MemorySizes) {
  EXPECT_EQ(*parse_memory_mib("128M"), 128u);
  EXPECT_EQ(*parse_memory_mib("128m"), 128u);
  EXPECT_EQ(*parse_memory_mib("64MiB"), 64u);
  EXPECT_EQ(*parse_memory_mib("512"), 512u);
  EXPECT_EQ(*parse_memory_mib("2G"), 2048u);
  EXPECT_EQ(*parse_memory_mib("1GiB"), 1024u);
  EXPECT_EQ(*parse_memory_mib("65536K"), 64u);
  for (const char* bad : {"", "0", "M", "12X", "1.5G", "-1", "100K", "99999999999999G", "1 G"})
    EXPECT_FALSE(parse_memory_mib(bad)) << bad;
}

TEST(VmSettings, BadAnnotationsNameTheAnnotation) {
  EXPECT_EQ(settings_error({{"runz.vm.accel", "hvf"}}), "annotation runz.vm.accel=\"hvf\": not auto, kvm or tcg");
  EXPECT_EQ(settings_error({{"runz.vm.vcpus", "0"}}),
            "annotation runz.vm.vcpus=\"0\": not a vCPU count between 1 and 255");
  EXPECT_CONTAINS(settings_error({{"runz.vm.vcpus", "many"}}), "runz.vm.vcpus");
  EXPECT_CONTAINS(settings_error({{"runz.vm.memory", "lots"}}), "annotation runz.vm.memory=\"lots\": not a size");
  EXPECT_CONTAINS(settings_error({{"runz.vm.memory", "8M"}}), "a guest needs at least 16 MiB");
  EXPECT_CONTAINS(settings_error({{"runz.vm.network", "bridge"}}), "runz.vm.network");
  EXPECT_CONTAINS(settings_error({{"runz.vm.machine", "pc;rm"}}), "runz.vm.machine");
  EXPECT_CONTAINS(settings_error({{"runz.vm.cmdline", "a\nb"}}), "runz.vm.cmdline");
  EXPECT_CONTAINS(settings_error({{"runz.vm.cpus", "2"}}), "unknown annotation runz.vm.cpus");
}

TEST(VmSettings, AnnotatedMemoryMustFitTheLimit) {
  EXPECT_EQ(settings_ok({{"runz.vm.memory", "200M"}}, {.memory_limit = 256 * MiB}).memory_mib, 200u);
  std::string e = settings_error({{"runz.vm.memory", "256M"}}, {.memory_limit = 256 * MiB});
  EXPECT_CONTAINS(e, "annotation runz.vm.memory=\"256M\": 256 MiB for the guest plus about 48 MiB for the VMM "
                     "exceed the memory limit of 256 MiB");
}

}  // namespace
}  // namespace runz::backends::vm
