// probe_accel on fake sys trees; choose_accel's decisions and messages.
#include <gtest/gtest.h>

#include "backends/vm/accel.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::error_of;

// A fake root with dev/kvm (a plain file opens read-write) and sys/module/<modules>.
std::string fake_root(const test::TempDir& dir, bool kvm, std::initializer_list<const char*> modules) {
  EXPECT_TRUE(mkdir_p(dir / "dev"));
  EXPECT_TRUE(mkdir_p(dir / "sys/module/kvm"));
  if (kvm) {
    EXPECT_TRUE(write_file_atomic(dir / "dev/kvm", "", 0600));
  }
  for (const char* m : modules) EXPECT_TRUE(mkdir_p(dir / (std::string("sys/module/") + m)));
  return dir.path();
}

TEST(VmAccel, ProbeFakeTrees) {
  test::TempDir pvm, intel, amd, none;
  auto p = probe_accel(fake_root(pvm, true, {"kvm_pvm"}));
  EXPECT_TRUE(p.kvm_device);
  EXPECT_FALSE(p.kvm_hardware);
  EXPECT_EQ(p.kvm_module, "kvm_pvm");

  p = probe_accel(fake_root(intel, true, {"kvm_intel"}));
  EXPECT_TRUE(p.kvm_hardware);
  EXPECT_EQ(p.kvm_module, "kvm_intel");

  p = probe_accel(fake_root(amd, false, {"kvm_amd"}));
  EXPECT_FALSE(p.kvm_device);
  EXPECT_TRUE(p.kvm_hardware);

  p = probe_accel(fake_root(none, false, {}));
  EXPECT_FALSE(p.kvm_device);
  EXPECT_FALSE(p.kvm_hardware);
  EXPECT_EQ(p.kvm_module, "");
}

const AccelProbe kPvm{true, false, "kvm_pvm"};
const AccelProbe kIntel{true, true, "kvm_intel"};
const AccelProbe kNoKvm{false, false, ""};

TEST(VmAccel, AutoPicksKvmOnlyWhenHardwareBacked) {
  std::string why;
  EXPECT_EQ(*choose_accel(Accel::automatic, kIntel, host_arch(), &why), Accel::kvm);
  EXPECT_EQ(why, "kvm is hardware-backed (kvm_intel)");
  EXPECT_EQ(*choose_accel(Accel::automatic, kPvm, host_arch(), &why), Accel::tcg);
  EXPECT_EQ(why, "kvm is kvm_pvm (software), TCG is faster for guest kernels");
  EXPECT_EQ(*choose_accel(Accel::automatic, kNoKvm, host_arch(), &why), Accel::tcg);
  EXPECT_EQ(why, "no usable /dev/kvm, using TCG");
  EXPECT_EQ(*choose_accel(Accel::automatic, kIntel, GuestArch::unknown), Accel::tcg);
}

#if defined(__x86_64__)
TEST(VmAccel, ArchMismatch) {
  std::string why;
  EXPECT_EQ(*choose_accel(Accel::automatic, kIntel, GuestArch::aarch64, &why), Accel::tcg);
  EXPECT_EQ(why, "the guest is aarch64, the host x86_64: using TCG");
  EXPECT_EQ(*choose_accel(Accel::automatic, kIntel, GuestArch::i386), Accel::kvm) << "x86_64 KVM runs i386";
  EXPECT_EQ(error_of(choose_accel(Accel::kvm, kIntel, GuestArch::aarch64)),
            "accelerator kvm cannot run aarch64 guests on this x86_64 host");
}
#endif

TEST(VmAccel, Explicit) {
  EXPECT_EQ(*choose_accel(Accel::tcg, kIntel, host_arch()), Accel::tcg);
  EXPECT_EQ(*choose_accel(Accel::kvm, kPvm, host_arch()), Accel::kvm) << "asked for: slow but allowed";
  EXPECT_EQ(error_of(choose_accel(Accel::kvm, kNoKvm, host_arch())),
            "accelerator kvm was asked for but /dev/kvm cannot be opened");
}

}  // namespace
}  // namespace runz::backends::vm
