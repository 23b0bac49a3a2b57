// What kind of guest an image is: the bytes of process.args[0] (or a configured kernel)
// decide whether runz boots it in a VM and how. Reads only headers, program headers, notes
// and the first 32 KiB; every size from the file is checked before it is used, so a hostile
// or truncated image gives an error naming what is wrong, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace runz::backends::vm {

enum class GuestFormat { not_a_guest, pvh_elf, multiboot1, multiboot2, hermit, linux_bzimage, linux_vmlinux };
enum class GuestArch { x86_64, i386, aarch64, unknown };

std::string_view to_string(GuestFormat format);
std::string_view to_string(GuestArch arch);

struct GuestImage {
  GuestFormat format = GuestFormat::not_a_guest;
  GuestArch arch = GuestArch::unknown;
  int elf_class = 0;        // 32 or 64 for an ELF, 0 otherwise
  uint64_t entry = 0;       // e_entry of an ELF
  // Every boot marker found; `format` is the one runz boots by (PVH before multiboot).
  std::optional<uint32_t> pvh_entry;  // XEN_ELFNOTE_PHYS32_ENTRY
  bool linux_note = false;            // a "Linux" ELF note (vmlinux)
  std::optional<uint32_t> multiboot1_flags;  // flags word of a valid multiboot1 header
  bool multiboot2 = false;                   // a valid multiboot2 header
  uint16_t boot_protocol = 0;  // bzImage boot protocol version, e.g. 0x020f for 2.15
  std::string reason;          // for not_a_guest: why ("a Linux program (has PT_INTERP)")
};

// `name` is only used in messages ("guest image /bin/app: program headers ...").
Result<GuestImage> inspect_guest_image(const std::string& path);
Result<GuestImage> inspect_guest_image_fd(int fd, std::string_view name);
Result<GuestImage> inspect_guest_bytes(std::string_view bytes, std::string_view name);

}  // namespace runz::backends::vm
