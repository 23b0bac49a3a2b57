// The QEMU driver: exact argv for a few plans, plan checks, and the exit-status table.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "backends/vm/vmm.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::error_of;
using Argv = std::vector<std::string>;

Argv argv_of(const VmPlan& plan, const VmDefaults& d = {}) {
  auto r = make_qemu(d)->command(plan);
  EXPECT_TRUE(r) << error_of(r);
  return r ? *r : Argv{};
}

VmPlan pvh_plan() {
  VmPlan p;
  p.memory_mib = 16;
  p.kernel = "guest.elf";
  p.sandbox = false;
  return p;
}

TEST(VmQemu, TinyPvhGuestIsHostMdsCommand) {
  // shared/HOST.md's measured command line, plus -smp.
  EXPECT_EQ(argv_of(pvh_plan()),
            (Argv{"qemu-system-x86_64", "-M", "microvm,x-option-roms=off,pit=off,pic=off,rtc=off,acpi=off", "-accel",
                  "tcg", "-m", "16", "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio",
                  "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", "guest.elf"}));
}

TEST(VmQemu, LinuxGuestWithShareNetQmpSandbox) {
  VmPlan p;
  p.accel = Accel::kvm;
  p.vcpus = 2;
  p.memory_mib = 208;
  p.legacy_devices = true;
  p.rtc = true;
  p.acpi = true;
  p.kernel = "/usr/lib/runz/vmlinux";
  p.initrd = "/run/runz/c1/initrd.img";
  p.cmdline = "console=ttyS0 quiet";
  p.console = Console::serial_terminal;
  p.shares = {{"rootfs", "/var/lib/c1/root,fs", false}, {"ro", "/data", true}};
  p.net = NetAttachment{5, "52:54:00:12:34:56"};
  p.qmp_socket = "/run/runz/c1/qmp.sock";
  VmDefaults d;
  d.qemu_x86_64 = "/usr/bin/qemu-system-x86_64";
  EXPECT_EQ(argv_of(p, d),
            (Argv{"/usr/bin/qemu-system-x86_64", "-M", "microvm,x-option-roms=off,pit=on,pic=on,rtc=on,acpi=on",
                  "-accel", "kvm", "-cpu", "host,-arch-capabilities", "-m", "208", "-smp", "2", "-nodefaults",
                  "-no-user-config", "-nographic", "-chardev", "stdio,id=con0,signal=off", "-serial", "chardev:con0",
                  "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", "/usr/lib/runz/vmlinux",
                  "-initrd", "/run/runz/c1/initrd.img", "-append", "console=ttyS0 quiet", "-fsdev",
                  "local,id=fs0,path=/var/lib/c1/root,,fs,security_model=none", "-device",
                  "virtio-9p-device,fsdev=fs0,mount_tag=rootfs", "-fsdev",
                  "local,id=fs1,path=/data,security_model=none,readonly=on", "-device",
                  "virtio-9p-device,fsdev=fs1,mount_tag=ro", "-netdev",
                  "tap,id=n0,fd=5", "-device",
                  "virtio-net-device,netdev=n0,mac=52:54:00:12:34:56", "-qmp",
                  "unix:/run/runz/c1/qmp.sock,server=on,wait=off", "-sandbox",
                  "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"}));
}

TEST(VmQemu, HermitStyleMicrovm) {
  VmPlan p = pvh_plan();
  p.rtc = true;
  p.mmio_on_cmdline = false;
  p.modern_virtio = true;
  p.cpu_model = "qemu64,apic,fsgsbase,rdtscp,xsave,xsaveopt,fxsr,rdrand";
  p.initrd = "app";
  p.cmdline = "-- a b";
  Argv a = argv_of(p);
  EXPECT_EQ(a[2], "microvm,x-option-roms=off,pit=off,pic=off,rtc=on,acpi=off,auto-kernel-cmdline=off");
  EXPECT_EQ(a[5], "-cpu");
  EXPECT_EQ(a[6], "qemu64,apic,fsgsbase,rdtscp,xsave,xsaveopt,fxsr,rdrand");
  auto g = std::find(a.begin(), a.end(), "-global");
  ASSERT_NE(g, a.end());
  EXPECT_EQ(g[1], "virtio-mmio.force-legacy=off");
  EXPECT_EQ(Argv(a.end() - 6, a.end()), (Argv{"-kernel", "guest.elf", "-initrd", "app", "-append", "-- a b"}));
}

TEST(VmQemu, OtherMachinesUsePciAndPassThrough) {
  VmPlan p = pvh_plan();
  p.machine = "pc";
  p.shares = {{"root", "/r", false}};
  Argv a = argv_of(p);
  EXPECT_EQ(a[2], "pc");
  EXPECT_NE(std::find(a.begin(), a.end(), "virtio-9p-pci,fsdev=fs0,mount_tag=root"), a.end());
  p.machine = "microvm,rtc=on";
  a = argv_of(p);
  EXPECT_EQ(a[2], "microvm,rtc=on");
  EXPECT_NE(std::find(a.begin(), a.end(), "virtio-9p-device,fsdev=fs0,mount_tag=root"), a.end());
}

TEST(VmQemu, Aarch64) {
  VmPlan p = pvh_plan();
  p.arch = GuestArch::aarch64;
  EXPECT_EQ(argv_of(p), (Argv{"qemu-system-aarch64", "-M", "virt", "-accel", "tcg", "-cpu", "max", "-m", "16", "-smp",
                              "1", "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-no-reboot",
                              "-semihosting", "-kernel", "guest.elf"}));
}

TEST(VmQemu, BadPlans) {
  auto err = [](VmPlan p) { return error_of(make_qemu({})->command(p)); };
  VmPlan p = pvh_plan();
  p.kernel.clear();
  EXPECT_EQ(err(p), "qemu: no kernel to boot");
  p = pvh_plan();
  p.accel = Accel::automatic;
  EXPECT_CONTAINS(err(p), "not resolved");
  p = pvh_plan();
  p.arch = GuestArch::unknown;
  EXPECT_CONTAINS(err(p), "unknown architecture");
  p = pvh_plan();
  p.shares = {{"a,b", "/x", false}};
  EXPECT_CONTAINS(err(p), "share tag \"a,b\"");
  p = pvh_plan();
  p.net = NetAttachment{-1, "52:54:00:12:34:56"};
  EXPECT_CONTAINS(err(p), "no tap fd");
  p.net = NetAttachment{4, "52:54:00:12:34"};
  EXPECT_CONTAINS(err(p), "not a MAC address");
  p = pvh_plan();
  p.initrd = "a,b";
  EXPECT_CONTAINS(err(p), "comma");
  VmDefaults no_arm;
  no_arm.qemu_aarch64.clear();
  p = pvh_plan();
  p.arch = GuestArch::aarch64;
  EXPECT_CONTAINS(error_of(make_qemu(no_arm)->command(p)), "no qemu-system-aarch64");
}

int exited(int code) { return (code & 0xff) << 8; }  // a wait status, as W* macros read it
int killed(int sig) { return sig & 0x7f; }

TEST(VmQemu, WaitStatusEncodingMatchesTheMacros) {
  EXPECT_TRUE(WIFEXITED(exited(11)));
  EXPECT_EQ(WEXITSTATUS(exited(11)), 11);
  EXPECT_TRUE(WIFSIGNALED(killed(9)));
  EXPECT_EQ(WTERMSIG(killed(9)), 9);
}

TEST(VmQemu, DecodeExitTable) {
  auto q = make_qemu({});
  VmPlan bare = pvh_plan();
  VmPlan linux_plan = bare;
  linux_plan.poweroff_is_no_status = true;
  VmPlan no_exit_dev = bare;
  no_exit_dev.debug_exit = false;
  VmPlan arm = bare;
  arm.arch = GuestArch::aarch64;

  struct Row {
    int ws;
    const VmPlan* plan;
    ExitEvidence ev;
    ExitHow how;
    int code;
  };
  const Row rows[] = {
      {exited(1), &bare, {}, ExitHow::debug_exit, 0},
      {exited(11), &bare, {}, ExitHow::debug_exit, 5},
      {exited(255), &bare, {}, ExitHow::debug_exit, 127},
      {exited(0), &bare, {}, ExitHow::poweroff, 0},
      {exited(0), &bare, {.shutdown_reason = "guest-shutdown"}, ExitHow::poweroff, 0},
      {exited(0), &linux_plan, {}, ExitHow::no_status, 255},
      {exited(7), &linux_plan, {}, ExitHow::debug_exit, 3},
      {exited(0), &bare, {.shutdown_reason = "guest-reset"}, ExitHow::guest_reset, 255},
      {exited(0), &bare, {.guest_panicked = true}, ExitHow::guest_panic, 255},
      {exited(0), &bare, {.shutdown_reason = "host-signal"}, ExitHow::signal, 143},
      {exited(0), &bare, {.signal_sent = 2}, ExitHow::signal, 130},
      {exited(0), &bare, {.shutdown_reason = "guest-shutdown", .signal_sent = 15}, ExitHow::poweroff, 0},
      {killed(9), &bare, {}, ExitHow::signal, 137},
      {killed(15), &linux_plan, {}, ExitHow::signal, 143},
      {exited(1), &bare, {.guest_started = false}, ExitHow::vmm_error, 1},
      {exited(2), &bare, {}, ExitHow::vmm_error, 2},
      {exited(1), &no_exit_dev, {}, ExitHow::vmm_error, 1},
      {exited(3), &arm, {}, ExitHow::debug_exit, 3},
      {exited(0), &arm, {}, ExitHow::poweroff, 0},
  };
  for (size_t i = 0; i < std::size(rows); ++i) {
    const Row& r = rows[i];
    VmExit e = q->decode_exit(r.ws, *r.plan, r.ev);
    EXPECT_EQ(e.how, r.how) << "row " << i;
    EXPECT_EQ(e.code, r.code) << "row " << i;
  }
  EXPECT_EQ(q->decode_exit(exited(0), linux_plan).message, "the guest stopped without reporting an exit status");
  EXPECT_EQ(q->decode_exit(killed(9), bare).message, "the VMM was killed by signal 9");
  EXPECT_EQ(q->decode_exit(exited(11), bare).message, "");
}

TEST(VmQemu, MakeVmmByName) {
  auto q = make_vmm("qemu", {});
  ASSERT_TRUE(q);
  EXPECT_EQ((*q)->name(), "qemu");
  EXPECT_EQ(error_of(make_vmm("firecracker", {})), "unknown VMM \"firecracker\" (this build of runz has qemu)");
}

}  // namespace
}  // namespace runz::backends::vm
