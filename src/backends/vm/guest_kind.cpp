#include "backends/vm/guest_kind.hpp"

#include <algorithm>
#include <cctype>

namespace runz::backends::vm {

std::string_view to_string(GuestFamily family) {
  switch (family) {
    case GuestFamily::baremetal: return "baremetal";
    case GuestFamily::hermit: return "hermit";
    case GuestFamily::linux: return "linux";
  }
  return "?";
}

GuestFamily family_for(const GuestImage& image) {
  switch (image.format) {
    case GuestFormat::pvh_elf:
    case GuestFormat::multiboot1:
    case GuestFormat::multiboot2: return GuestFamily::baremetal;
    case GuestFormat::hermit: return GuestFamily::hermit;
    case GuestFormat::linux_bzimage:
    case GuestFormat::linux_vmlinux:
    case GuestFormat::not_a_guest: return GuestFamily::linux;
  }
  return GuestFamily::linux;
}

Result<std::string> kernel_cmdline_words(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    bool control = std::any_of(w.begin(), w.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); });
    if (control || w.find('"') != std::string::npos)
      return fail_user("argument " + std::to_string(i) + " cannot go on a kernel command line (it holds " +
                       (control ? "a control character" : "a double quote") + ")");
    if (!out.empty()) out += ' ';
    bool blank = w.empty() || w.find_first_of(" \t") != std::string::npos;
    out += blank ? "\"" + w + "\"" : w;
  }
  return out;
}

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Result<void> GuestKind::configure_network(VmPlan&, const GuestNetConfig&) const {
  return fail_user("a " + std::string(to_string(family())) + " guest has no network driver");
}

namespace {

std::string join_nonempty(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::vector<std::string> app_args(const GuestInputs& in) {
  return in.args.size() > 1 ? std::vector<std::string>(in.args.begin() + 1, in.args.end()) : std::vector<std::string>{};
}

// Bare-metal PVH and multiboot kernels: no firmware, no legacy devices, exit by isa-debug-exit.
class BaremetalKind : public GuestKind {
 public:
  GuestFamily family() const override { return GuestFamily::baremetal; }

  Result<void> contribute(VmPlan& plan, const GuestInputs& in, const VmSettings& s, const VmDefaults&) const override {
    TRYV(check_bootable(in));
    TRY(std::string args, kernel_cmdline_words(app_args(in)));
    plan.kernel = in.image_path;
    plan.cmdline = join_nonempty({args, s.extra_cmdline});
    plan.debug_exit = true;
    return {};
  }

 private:
  // QEMU's -kernel knows multiboot 1 (tried first) and PVH, nothing else.
  static Result<void> check_bootable(const GuestInputs& in) {
    const GuestImage& img = in.image;
    std::string what = "guest image " + in.image_path + ": ";
    if (img.multiboot1_flags && img.elf_class == 64 && !(*img.multiboot1_flags & 0x10000))
      return fail_user(what + "QEMU boots a multiboot header before a PVH note and cannot load a 64-bit ELF by "
                              "multiboot; link the kernel as ELF32, set the a.out kludge (flag bit 16), or drop "
                              "the multiboot header and keep the PVH note");
    if (!img.pvh_entry && !img.multiboot1_flags)
      return fail_user(what + (img.multiboot2 ? "QEMU cannot boot a multiboot2-only kernel; add a multiboot (1) "
                                                "header or a PVH note"
                                              : "neither a PVH note nor a multiboot header"));
    return {};
  }
};

// Hermit: the runh convention. The loader is the kernel and the app its initrd; the command
// line is Hermit's: [-freq MHz] [env=K=V]... [extra] -- args. Hermit splits it with shell
// rules and, unlike Linux, has no legacy virtio-mmio nor a parser for QEMU's mmio entries.
class HermitKind : public GuestKind {
 public:
  GuestFamily family() const override { return GuestFamily::hermit; }

  Result<void> contribute(VmPlan& plan, const GuestInputs& in, const VmSettings& s, const VmDefaults& d) const override {
    if (d.hermit_loader.empty())
      return fail_user("a Hermit image needs the Hermit loader: set hermit_loader in runz.toml");
    if (plan.arch != GuestArch::x86_64)
      return fail_user("Hermit guests run on x86_64 only in this build of runz (the image is " +
                       std::string(to_string(plan.arch)) + ")");
    plan.kernel = d.hermit_loader;
    plan.initrd = in.image_path;
    std::vector<std::string> words;
    if (in.tsc_khz) words.insert(words.end(), {"-freq", std::to_string(*in.tsc_khz / 1000)});
    for (const auto& e : in.env)
      if (e.find('=') != std::string::npos) words.push_back(shell_quote("env=" + e));
    if (!s.extra_cmdline.empty()) words.push_back(s.extra_cmdline);
    words.push_back("--");
    for (const auto& a : app_args(in)) words.push_back(shell_quote(a));
    plan.cmdline = join(words);
    plan.rtc = true;
    plan.mmio_on_cmdline = false;
    plan.modern_virtio = true;
    // Without KVM the CPU model must offer what Hermit requires (runh's list).
    if (plan.accel == Accel::tcg && plan.cpu_model.empty())
      plan.cpu_model = "qemu64,apic,fsgsbase,rdtscp,xsave,xsaveopt,fxsr,rdrand";
    plan.debug_exit = true;
    return {};
  }

  bool has_nic_driver() const override { return true; }

  // Hermit's own options, before everything else (and so before its "--").
  Result<void> configure_network(VmPlan& plan, const GuestNetConfig& net) const override {
    uint32_t mask = ipv4_netmask(net.prefix);
    std::string dotted = std::to_string(mask >> 24) + "." + std::to_string((mask >> 16) & 0xff) + "." +
                         std::to_string((mask >> 8) & 0xff) + "." + std::to_string(mask & 0xff);
    std::string words =
        "-ip " + net.address + (net.gateway.empty() ? "" : " -gateway " + net.gateway) + " -mask " + dotted;
    plan.cmdline = join_nonempty({words, plan.cmdline});
    return {};
  }

 private:
  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
  }
};

// Linux: the configured guest kernel (or the image, when it is a kernel), the rootfs over
// 9p, our init in the initramfs. A Linux guest cannot give a status by powering off; our
// init reports it through isa-debug-exit, so a plain power-off means no status.
class LinuxKind : public GuestKind {
 public:
  GuestFamily family() const override { return GuestFamily::linux; }

  Result<void> contribute(VmPlan& plan, const GuestInputs& in, const VmSettings& s, const VmDefaults& d) const override {
    bool image_is_kernel =
        in.image.format == GuestFormat::linux_bzimage || in.image.format == GuestFormat::linux_vmlinux;
    plan.kernel = image_is_kernel ? in.image_path : d.linux_kernel;
    if (plan.kernel.empty())
      return fail_user("a Linux guest needs a guest kernel: set linux_kernel in runz.toml");
    if (!image_is_kernel && in.initrd.empty())
      return fail_user("a Linux guest needs the runz guest initramfs (none was built)");
    plan.initrd = in.initrd;
    std::string tsc = in.tsc_khz ? "tsc_early_khz=" + std::to_string(*in.tsc_khz) : "";
    plan.cmdline = join_nonempty({"console=ttyS0 quiet loglevel=1 panic=-1 pci=off", tsc, "cryptomgr.notests", s.extra_cmdline});
    plan.legacy_devices = true;
    plan.rtc = true;
    plan.acpi = true;
    plan.mmio_on_cmdline = true;
    if (!in.rootfs.empty()) plan.shares.push_back({"rootfs", in.rootfs, in.rootfs_readonly});
    plan.debug_exit = true;
    plan.poweroff_is_no_status = true;
    return {};
  }

  // virtio_net is a module of the guest kernel: the initramfs carries it (kGuestNetModules).
  bool has_nic_driver() const override { return true; }

  // runz-guest-init configures eth0 from this word of /proc/cmdline.
  Result<void> configure_network(VmPlan& plan, const GuestNetConfig& net) const override {
    plan.cmdline = join_nonempty({plan.cmdline, encode_guest_net_param(net)});
    return {};
  }
};

}  // namespace

std::unique_ptr<GuestKind> make_guest_kind(GuestFamily family) {
  switch (family) {
    case GuestFamily::baremetal: return std::make_unique<BaremetalKind>();
    case GuestFamily::hermit: return std::make_unique<HermitKind>();
    case GuestFamily::linux: return std::make_unique<LinuxKind>();
  }
  return nullptr;
}

}  // namespace runz::backends::vm
