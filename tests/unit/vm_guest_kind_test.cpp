// Guest kinds (baremetal, hermit, linux) and plan_vm: kernel, initrd, command line,
// machine switches and exit reporting for each family.
#include <gtest/gtest.h>

#include "backends/vm/vm_plan.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::error_of;

GuestImage image(GuestFormat f, GuestArch arch = GuestArch::x86_64) {
  GuestImage img;
  img.format = f;
  img.arch = arch;
  img.elf_class = 64;
  if (f == GuestFormat::pvh_elf || f == GuestFormat::linux_vmlinux) img.pvh_entry = 0x100000;
  if (f == GuestFormat::multiboot1) {
    img.elf_class = 32;
    img.multiboot1_flags = 3;
  }
  if (f == GuestFormat::multiboot2) img.multiboot2 = true;
  return img;
}

GuestInputs inputs(GuestFormat f, std::vector<std::string> args = {"/guest.elf"}) {
  GuestInputs in;
  in.image = image(f);
  in.image_path = "/rootfs/guest.elf";
  in.args = std::move(args);
  in.env = {"PATH=/bin", "GREETING=hello world"};
  in.rootfs = "/rootfs";
  in.tsc_khz = 2596136;
  return in;
}

VmDefaults defaults() {
  VmDefaults d;
  d.linux_kernel = "/usr/lib/runz/vmlinux";
  d.hermit_loader = "/usr/lib/runz/hermit-loader";
  return d;
}

const AccelProbe kPvm{true, false, "kvm_pvm"};

PlannedVm plan_ok(const GuestInputs& in, VmSettings s = {}, VmDefaults d = defaults()) {
  auto r = plan_vm(in, s, d, kPvm);
  EXPECT_TRUE(r) << error_of(r);
  return r ? *r : PlannedVm{};
}
std::string plan_error(const GuestInputs& in, VmSettings s = {}, VmDefaults d = defaults()) {
  return error_of(plan_vm(in, s, d, kPvm));
}

TEST(VmGuestKind, FamilyForFormat) {
  EXPECT_EQ(family_for(image(GuestFormat::pvh_elf)), GuestFamily::baremetal);
  EXPECT_EQ(family_for(image(GuestFormat::multiboot1)), GuestFamily::baremetal);
  EXPECT_EQ(family_for(image(GuestFormat::multiboot2)), GuestFamily::baremetal);
  EXPECT_EQ(family_for(image(GuestFormat::hermit)), GuestFamily::hermit);
  EXPECT_EQ(family_for(image(GuestFormat::linux_bzimage)), GuestFamily::linux);
  EXPECT_EQ(family_for(image(GuestFormat::linux_vmlinux)), GuestFamily::linux);
  EXPECT_EQ(family_for(image(GuestFormat::not_a_guest)), GuestFamily::linux);
}

TEST(VmGuestKind, Quoting) {
  EXPECT_EQ(*kernel_cmdline_words({"a", "b=c", "two words", ""}), "a b=c \"two words\" \"\"");
  EXPECT_CONTAINS(error_of(kernel_cmdline_words({"ok", "say \"hi\""})), "argument 1 cannot go on a kernel command line (it holds a double quote)");
  EXPECT_CONTAINS(error_of(kernel_cmdline_words({"a\nb"})), "control character");
  EXPECT_EQ(shell_quote("plain-word_1.2/x=y"), "plain-word_1.2/x=y");
  EXPECT_EQ(shell_quote("two words"), "'two words'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(VmGuestKind, BaremetalPvh) {
  VmSettings s;
  s.extra_cmdline = "debug";
  s.vcpus = 2;
  s.memory_mib = 16;
  auto pv = plan_ok(inputs(GuestFormat::pvh_elf, {"/guest.elf", "--count", "3", "hello world"}), s);
  EXPECT_EQ(pv.family, GuestFamily::baremetal);
  const VmPlan& p = pv.plan;
  EXPECT_EQ(p.arch, GuestArch::x86_64);
  EXPECT_EQ(p.accel, Accel::tcg);
  EXPECT_EQ(pv.accel_reason, "kvm is kvm_pvm (software), TCG is faster for guest kernels");
  EXPECT_EQ(p.vcpus, 2u);
  EXPECT_EQ(p.memory_mib, 16u);
  EXPECT_EQ(p.kernel, "/rootfs/guest.elf");
  EXPECT_EQ(p.initrd, "");
  EXPECT_EQ(p.cmdline, "--count 3 \"hello world\" debug");
  EXPECT_FALSE(p.legacy_devices || p.rtc || p.acpi);
  EXPECT_TRUE(p.debug_exit);
  EXPECT_FALSE(p.poweroff_is_no_status);
  EXPECT_TRUE(p.shares.empty());
  // Exactly HOST.md's tiny-guest command line (minus -smp and sandbox, which the plan adds).
  auto argv = make_qemu({})->command(p);
  ASSERT_TRUE(argv);
  EXPECT_EQ((*argv)[2], "microvm,x-option-roms=off,pit=off,pic=off,rtc=off,acpi=off");
}

TEST(VmGuestKind, BaremetalMultiboot) {
  EXPECT_EQ(plan_ok(inputs(GuestFormat::multiboot1)).plan.kernel, "/rootfs/guest.elf");
  EXPECT_EQ(plan_ok(inputs(GuestFormat::multiboot1)).plan.machine, "") << "microvm boots multiboot ELF32";

  auto in = inputs(GuestFormat::multiboot2);
  EXPECT_CONTAINS(plan_error(in), "QEMU cannot boot a multiboot2-only kernel");
  in.image.pvh_entry = 0x100000;
  EXPECT_TRUE(plan_vm(in, {}, defaults(), kPvm)) << "multiboot2 plus a PVH note boots by PVH";

  // QEMU tries multiboot first and refuses 64-bit ELFs there, PVH note or not.
  in = inputs(GuestFormat::pvh_elf);
  in.image.multiboot1_flags = 0;
  EXPECT_CONTAINS(plan_error(in), "cannot load a 64-bit ELF by multiboot");
  in.image.multiboot1_flags = 0x10000;
  EXPECT_TRUE(plan_vm(in, {}, defaults(), kPvm)) << "the a.out kludge loads anything";
}

TEST(VmGuestKind, BaremetalArgsThatCannotBePassed) {
  EXPECT_CONTAINS(plan_error(inputs(GuestFormat::pvh_elf, {"/g", "a\"b"})), "double quote");
}

TEST(VmGuestKind, Hermit) {
  VmSettings s;
  s.extra_cmdline = "-ip 10.0.5.3 -gateway 10.0.5.1 -mask 255.255.255.0";
  auto pv = plan_ok(inputs(GuestFormat::hermit, {"/hello", "arg one", "two"}), s);
  const VmPlan& p = pv.plan;
  EXPECT_EQ(pv.family, GuestFamily::hermit);
  EXPECT_EQ(p.kernel, "/usr/lib/runz/hermit-loader");
  EXPECT_EQ(p.initrd, "/rootfs/guest.elf");
  EXPECT_EQ(p.cmdline,
            "-freq 2596 env=PATH=/bin 'env=GREETING=hello world' -ip 10.0.5.3 -gateway 10.0.5.1 -mask 255.255.255.0 "
            "-- 'arg one' two");
  EXPECT_TRUE(p.rtc);
  EXPECT_FALSE(p.mmio_on_cmdline);
  EXPECT_TRUE(p.modern_virtio);
  EXPECT_EQ(p.cpu_model, "qemu64,apic,fsgsbase,rdtscp,xsave,xsaveopt,fxsr,rdrand");
  EXPECT_TRUE(p.debug_exit);

  auto in = inputs(GuestFormat::hermit, {"/hello"});
  in.tsc_khz.reset();
  in.env.clear();
  EXPECT_EQ(plan_ok(in).plan.cmdline, "--");

  VmSettings kvm;
  kvm.accel = Accel::kvm;
  EXPECT_EQ(plan_ok(in, kvm).plan.cpu_model, "") << "the driver's KVM default";

  VmDefaults no_loader = defaults();
  no_loader.hermit_loader.clear();
  EXPECT_EQ(plan_error(in, {}, no_loader), "a Hermit image needs the Hermit loader: set hermit_loader in runz.toml");
}

TEST(VmGuestKind, LinuxProgramInAGuest) {
  auto in = inputs(GuestFormat::not_a_guest, {"/bin/sh", "-c", "exit 3"});
  in.image.arch = GuestArch::x86_64;
  in.initrd = "/run/runz/c1/initrd.img";
  in.rootfs_readonly = true;
  VmSettings s;
  s.extra_cmdline = "loglevel=3";
  auto pv = plan_ok(in, s);
  const VmPlan& p = pv.plan;
  EXPECT_EQ(pv.family, GuestFamily::linux);
  EXPECT_EQ(p.kernel, "/usr/lib/runz/vmlinux");
  EXPECT_EQ(p.initrd, "/run/runz/c1/initrd.img");
  EXPECT_EQ(p.cmdline, "console=ttyS0 quiet loglevel=1 panic=-1 pci=off tsc_early_khz=2596136 cryptomgr.notests loglevel=3");
  EXPECT_TRUE(p.legacy_devices && p.rtc && p.acpi && p.mmio_on_cmdline);
  ASSERT_EQ(p.shares.size(), 1u);
  EXPECT_EQ(p.shares[0].tag, "rootfs");
  EXPECT_EQ(p.shares[0].host_path, "/rootfs");
  EXPECT_TRUE(p.shares[0].readonly);
  EXPECT_TRUE(p.debug_exit);
  EXPECT_TRUE(p.poweroff_is_no_status);
  auto exit = make_qemu({})->decode_exit(0, p);
  EXPECT_EQ(exit.how, ExitHow::no_status);
  EXPECT_EQ(exit.code, kNoStatusExitCode);

  in.tsc_khz.reset();
  EXPECT_EQ(plan_ok(in).plan.cmdline, "console=ttyS0 quiet loglevel=1 panic=-1 pci=off cryptomgr.notests");
  in.initrd.clear();
  EXPECT_CONTAINS(plan_error(in), "initramfs");
  VmDefaults no_kernel = defaults();
  no_kernel.linux_kernel.clear();
  EXPECT_EQ(plan_error(in, {}, no_kernel), "a Linux guest needs a guest kernel: set linux_kernel in runz.toml");
}

TEST(VmGuestKind, LinuxKernelImageIsItsOwnKernel) {
  auto in = inputs(GuestFormat::linux_vmlinux, {"/boot/vmlinux"});
  auto p = plan_ok(in).plan;
  EXPECT_EQ(p.kernel, "/rootfs/guest.elf");
  EXPECT_EQ(p.initrd, "") << "a kernel image may boot without our initramfs";
}

TEST(VmGuestKind, ArchitectureChecks) {
  auto in = inputs(GuestFormat::pvh_elf);
  in.image.arch = GuestArch::unknown;
  EXPECT_CONTAINS(plan_error(in), "unknown architecture");
#if defined(__x86_64__)
  in = inputs(GuestFormat::not_a_guest, {"/bin/app"});
  in.initrd = "/i";
  in.image.arch = GuestArch::aarch64;
  EXPECT_EQ(plan_error(in), "/rootfs/guest.elf is an aarch64 program and the Linux guest is x86_64");
  in.image.arch = GuestArch::unknown;  // a script: runs in a guest of the host's architecture
  EXPECT_EQ(plan_ok(in).plan.arch, GuestArch::x86_64);
  in = inputs(GuestFormat::hermit);
  in.image.arch = GuestArch::aarch64;
  EXPECT_CONTAINS(plan_error(in), "Hermit guests run on x86_64 only");
  VmSettings kvm;
  kvm.accel = Accel::kvm;
  in = inputs(GuestFormat::pvh_elf);
  in.image.arch = GuestArch::aarch64;
  EXPECT_CONTAINS(plan_error(in, kvm), "accelerator kvm cannot run aarch64 guests");
#endif
}

TEST(VmGuestKind, UserMachineWins) {
  VmSettings s;
  s.machine = "pc";
  EXPECT_EQ(plan_ok(inputs(GuestFormat::pvh_elf), s).plan.machine, "pc");
}

}  // namespace
}  // namespace runz::backends::vm
