// inspect_guest_image: ELF/PVH/Hermit/multiboot/bzImage detection from byte buffers built
// here, and safety on truncated, malformed and mutated images.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "backends/vm/guest_image.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::error_of;

void put16(std::string& b, size_t at, uint16_t v) {
  b[at] = static_cast<char>(v & 0xff);
  b[at + 1] = static_cast<char>(v >> 8);
}
void put32(std::string& b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v));
  put16(b, at + 2, static_cast<uint16_t>(v >> 16));
}
void put64(std::string& b, size_t at, uint64_t v) {
  put32(b, at, static_cast<uint32_t>(v));
  put32(b, at + 4, static_cast<uint32_t>(v >> 32));
}
std::string le32s(uint32_t v) {
  std::string s(4, '\0');
  put32(s, 0, v);
  return s;
}
void pad_to(std::string& b, size_t align) {
  while (b.size() % align) b.push_back('\0');
}

// One ELF note: name (NUL added), type, descriptor; padded to 4 bytes.
std::string note(std::string_view name, uint32_t type, std::string_view desc) {
  std::string n = le32s(static_cast<uint32_t>(name.size() + 1)) + le32s(static_cast<uint32_t>(desc.size())) +
                  le32s(type) + std::string(name) + '\0';
  pad_to(n, 4);
  n += desc;
  pad_to(n, 4);
  return n;
}
std::string pvh_note(uint32_t entry = 0x100000) { return note("Xen", 18, le32s(entry)); }

struct Segment {
  uint32_t type;
  std::string data;
  uint64_t align = 4;
};

// An 8-aligned note, as in .note.gnu.property: name and descriptor start 8-aligned.
std::string note8(std::string_view name, uint32_t type, std::string_view desc) {
  std::string n = le32s(static_cast<uint32_t>(name.size() + 1)) + le32s(static_cast<uint32_t>(desc.size())) +
                  le32s(type) + std::string(name) + '\0';
  pad_to(n, 8);
  n += desc;
  pad_to(n, 8);
  return n;
}

constexpr uint32_t PT_LOAD = 1, PT_INTERP = 3, PT_NOTE = 4;

struct ElfSpec {
  bool is64 = true;
  uint16_t type = 2;       // ET_EXEC
  uint16_t machine = 62;   // x86_64
  unsigned char osabi = 0;
  std::vector<Segment> segments;
  std::vector<std::string> note_sections;  // SHT_NOTE sections (no program header)
};

// Header, program headers, segment data, then section headers when asked for.
std::string make_elf(const ElfSpec& s) {
  size_t eh = s.is64 ? 64 : 52, ph = s.is64 ? 56 : 32, sh = s.is64 ? 64 : 40;
  std::string b(eh + ph * s.segments.size(), '\0');
  b.replace(0, 4, "\x7f" "ELF");
  b[4] = s.is64 ? 2 : 1;
  b[5] = 1;
  b[6] = 1;
  b[7] = static_cast<char>(s.osabi);
  put16(b, 16, s.type);
  put16(b, 18, s.machine);
  put32(b, 20, 1);
  if (s.is64) {
    put64(b, 24, 0x100000);
    put64(b, 32, eh);
    put16(b, 52, static_cast<uint16_t>(eh));
    put16(b, 54, static_cast<uint16_t>(ph));
    put16(b, 56, static_cast<uint16_t>(s.segments.size()));
  } else {
    put32(b, 24, 0x100000);
    put32(b, 28, static_cast<uint32_t>(eh));
    put16(b, 40, static_cast<uint16_t>(eh));
    put16(b, 42, static_cast<uint16_t>(ph));
    put16(b, 44, static_cast<uint16_t>(s.segments.size()));
  }
  for (size_t i = 0; i < s.segments.size(); ++i) {
    pad_to(b, 8);
    size_t off = b.size(), at = eh + i * ph;
    const auto& seg = s.segments[i];
    b += seg.data;
    put32(b, at, seg.type);
    if (s.is64) {
      put64(b, at + 8, off);
      put64(b, at + 32, seg.data.size());
      put64(b, at + 40, seg.data.size());
      put64(b, at + 48, seg.align);
    } else {
      put32(b, at + 4, static_cast<uint32_t>(off));
      put32(b, at + 16, static_cast<uint32_t>(seg.data.size()));
      put32(b, at + 20, static_cast<uint32_t>(seg.data.size()));
      put32(b, at + 28, static_cast<uint32_t>(seg.align));
    }
  }
  if (!s.note_sections.empty()) {
    std::vector<size_t> offsets;
    for (const auto& n : s.note_sections) {
      pad_to(b, 8);
      offsets.push_back(b.size());
      b += n;
    }
    pad_to(b, 8);
    size_t shoff = b.size();
    b += std::string(sh * (s.note_sections.size() + 1), '\0');  // section 0 is the null section
    for (size_t i = 0; i < s.note_sections.size(); ++i) {
      size_t at = shoff + (i + 1) * sh;
      put32(b, at + 4, 7);  // SHT_NOTE
      if (s.is64) {
        put64(b, at + 24, offsets[i]);
        put64(b, at + 32, s.note_sections[i].size());
        put64(b, at + 48, 4);
      } else {
        put32(b, at + 16, static_cast<uint32_t>(offsets[i]));
        put32(b, at + 20, static_cast<uint32_t>(s.note_sections[i].size()));
        put32(b, at + 32, 4);
      }
    }
    uint16_t shnum = static_cast<uint16_t>(s.note_sections.size() + 1);
    if (s.is64) {
      put64(b, 40, shoff);
      put16(b, 58, static_cast<uint16_t>(sh));
      put16(b, 60, shnum);
    } else {
      put32(b, 32, static_cast<uint32_t>(shoff));
      put16(b, 46, static_cast<uint16_t>(sh));
      put16(b, 48, shnum);
    }
  }
  return b;
}

std::string pvh_elf() { return make_elf({.segments = {{PT_LOAD, std::string(64, 'x')}, {PT_NOTE, pvh_note()}}}); }

std::string multiboot1_header(uint32_t flags, bool good_checksum = true) {
  uint32_t sum = 0u - (0x1BADB002u + flags);
  return le32s(0x1BADB002) + le32s(flags) + le32s(good_checksum ? sum : sum + 1);
}

std::string multiboot2_header(bool good_checksum = true) {
  uint32_t len = 24;  // the header plus an end tag
  uint32_t sum = 0u - (0xE85250D6u + 0 + len);
  return le32s(0xE85250D6) + le32s(0) + le32s(len) + le32s(good_checksum ? sum : sum ^ 1) + std::string(8, '\0');
}

GuestImage inspect_ok(const std::string& bytes) {
  auto r = inspect_guest_bytes(bytes, "test.elf");
  EXPECT_TRUE(r) << error_of(r);
  return r ? *r : GuestImage{};
}

TEST(VmGuestImage, PvhElf) {
  auto img = inspect_ok(pvh_elf());
  EXPECT_EQ(img.format, GuestFormat::pvh_elf);
  EXPECT_EQ(img.arch, GuestArch::x86_64);
  EXPECT_EQ(img.elf_class, 64);
  EXPECT_EQ(img.entry, 0x100000u);
  ASSERT_TRUE(img.pvh_entry);
  EXPECT_EQ(*img.pvh_entry, 0x100000u);
  EXPECT_FALSE(img.linux_note);
}

TEST(VmGuestImage, PvhNoteAmongOtherNotes) {
  std::string notes = note("GNU", 3, std::string(20, 'b')) + note("Xen", 5, "xen-3.0") + pvh_note(0x1000);
  auto img = inspect_ok(make_elf({.segments = {{PT_NOTE, notes}}}));
  EXPECT_EQ(img.format, GuestFormat::pvh_elf);
  EXPECT_EQ(img.pvh_entry.value_or(0), 0x1000u);
}

TEST(VmGuestImage, EightAlignedNotes) {
  // GNU property notes (namesz 4, so the descriptor starts at 16), then a PVH note.
  std::string notes = note8("GNU", 5, std::string(16, 'p')) + note8("Xen", 18, le32s(0x2000) + std::string(4, '\0'));
  auto img = inspect_ok(make_elf({.segments = {{PT_NOTE, notes, 8}}}));
  EXPECT_EQ(img.format, GuestFormat::pvh_elf);
  EXPECT_EQ(img.pvh_entry.value_or(0), 0x2000u);
  // The last note may lack its trailing padding.
  std::string unpadded = note("Xen", 18, le32s(0x3000)) + note("GNU", 1, "abc").substr(0, 19);
  EXPECT_EQ(inspect_ok(make_elf({.segments = {{PT_NOTE, unpadded}}})).pvh_entry.value_or(0), 0x3000u);
}

TEST(VmGuestImage, ThisTestProgramIsALinuxProgram) {
  auto r = inspect_guest_image("/proc/self/exe");
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->format, GuestFormat::not_a_guest);
  EXPECT_EQ(r->arch == GuestArch::unknown, false);
  EXPECT_TRUE(r->reason.starts_with("a Linux program")) << r->reason;
}

TEST(VmGuestImage, PvhNoteInSectionOnly) {
  auto img = inspect_ok(make_elf({.segments = {{PT_LOAD, "code"}}, .note_sections = {pvh_note()}}));
  EXPECT_EQ(img.format, GuestFormat::pvh_elf);
}

TEST(VmGuestImage, Elf32PvhIsI386) {
  auto img = inspect_ok(make_elf({.is64 = false, .machine = 3, .segments = {{PT_NOTE, pvh_note()}}}));
  EXPECT_EQ(img.format, GuestFormat::pvh_elf);
  EXPECT_EQ(img.arch, GuestArch::i386);
  EXPECT_EQ(img.elf_class, 32);
}

TEST(VmGuestImage, VmlinuxHasXenAndLinuxNotes) {
  std::string notes = note("Linux", 6, "6.1.0") + pvh_note();
  auto img = inspect_ok(make_elf({.segments = {{PT_NOTE, notes}}}));
  EXPECT_EQ(img.format, GuestFormat::linux_vmlinux);
  EXPECT_TRUE(img.pvh_entry);
  EXPECT_TRUE(img.linux_note);
}

TEST(VmGuestImage, Hermit) {
  auto img = inspect_ok(make_elf({.type = 3, .osabi = 0xff, .segments = {{PT_LOAD, "app"}}}));
  EXPECT_EQ(img.format, GuestFormat::hermit);
  EXPECT_EQ(img.arch, GuestArch::x86_64);
  auto arm = inspect_ok(make_elf({.type = 3, .machine = 183, .osabi = 0xff}));
  EXPECT_EQ(arm.format, GuestFormat::hermit);
  EXPECT_EQ(arm.arch, GuestArch::aarch64);
}

TEST(VmGuestImage, Multiboot1InElf) {
  auto good = inspect_ok(make_elf({.is64 = false, .machine = 3,
                                   .segments = {{PT_LOAD, multiboot1_header(0x3) + std::string(32, 'c')}}}));
  EXPECT_EQ(good.format, GuestFormat::multiboot1);
  EXPECT_EQ(good.arch, GuestArch::i386);
  EXPECT_EQ(good.multiboot1_flags.value_or(0xdead), 0x3u);

  auto bad = inspect_ok(make_elf({.is64 = false, .machine = 3, .segments = {{PT_LOAD, multiboot1_header(0x3, false)}}}));
  EXPECT_EQ(bad.format, GuestFormat::not_a_guest);
  EXPECT_FALSE(bad.multiboot1_flags);
}

TEST(VmGuestImage, Multiboot1FlatBinaryAndWindow) {
  std::string flat = std::string(16, '\x90') + multiboot1_header(0x10003) + std::string(100, '\xf4');
  auto img = inspect_ok(flat);
  EXPECT_EQ(img.format, GuestFormat::multiboot1);
  EXPECT_EQ(img.multiboot1_flags.value_or(0), 0x10003u);

  // Only the first 8 KiB count, and only at 4-byte alignment.
  EXPECT_EQ(inspect_ok(std::string(8192, '\0') + multiboot1_header(0)).format, GuestFormat::not_a_guest);
  EXPECT_EQ(inspect_ok(std::string(8180, '\0') + multiboot1_header(0)).format, GuestFormat::multiboot1);
  EXPECT_EQ(inspect_ok(std::string(18, '\0') + multiboot1_header(0)).format, GuestFormat::not_a_guest);
}

TEST(VmGuestImage, Multiboot2) {
  auto good = inspect_ok(make_elf({.segments = {{PT_LOAD, multiboot2_header()}}}));
  EXPECT_EQ(good.format, GuestFormat::multiboot2);
  EXPECT_TRUE(good.multiboot2);
  auto bad = inspect_ok(make_elf({.segments = {{PT_LOAD, multiboot2_header(false)}}}));
  EXPECT_EQ(bad.format, GuestFormat::not_a_guest);
  // Within 32 KiB, 8-aligned.
  EXPECT_TRUE(inspect_ok(std::string(32768 - 24, '\0') + multiboot2_header()).multiboot2);
  EXPECT_FALSE(inspect_ok(std::string(32768, '\0') + multiboot2_header()).multiboot2);
  EXPECT_FALSE(inspect_ok(std::string(12, '\0') + multiboot2_header()).multiboot2);
}

TEST(VmGuestImage, PvhWinsOverMultiboot) {
  auto img = inspect_ok(make_elf({.segments = {{PT_LOAD, multiboot1_header(0) + std::string(4, '\0') + multiboot2_header()},
                                               {PT_NOTE, pvh_note()}}}));
  EXPECT_EQ(img.format, GuestFormat::pvh_elf);
  EXPECT_TRUE(img.multiboot1_flags);
  EXPECT_TRUE(img.multiboot2);
}

std::string bzimage(uint16_t version, uint16_t xloadflags) {
  std::string b(0x400, '\0');
  b[0x1fe] = '\x55';
  b[0x1ff] = '\xaa';
  b.replace(0x202, 4, "HdrS");
  put16(b, 0x206, version);
  put16(b, 0x236, xloadflags);
  return b;
}

TEST(VmGuestImage, BzImage) {
  auto img = inspect_ok(bzimage(0x020f, 1));
  EXPECT_EQ(img.format, GuestFormat::linux_bzimage);
  EXPECT_EQ(img.boot_protocol, 0x020f);
  EXPECT_EQ(img.arch, GuestArch::x86_64);
  EXPECT_EQ(inspect_ok(bzimage(0x020a, 1)).arch, GuestArch::i386) << "no xloadflags before 2.12";
  std::string no_sig = bzimage(0x020f, 1);
  no_sig[0x1fe] = 0;
  EXPECT_EQ(inspect_ok(no_sig).format, GuestFormat::not_a_guest);
}

TEST(VmGuestImage, LinuxProgramsAreNotGuests) {
  auto dyn = inspect_ok(make_elf({.type = 3, .segments = {{PT_INTERP, "/lib64/ld-linux-x86-64.so.2"},
                                                          {PT_NOTE, note("GNU", 1, std::string(16, '\0'))}}}));
  EXPECT_EQ(dyn.format, GuestFormat::not_a_guest);
  EXPECT_EQ(dyn.reason, "a Linux program (has PT_INTERP)");

  auto stat = inspect_ok(make_elf({.segments = {{PT_LOAD, "static"}}}));
  EXPECT_EQ(stat.format, GuestFormat::not_a_guest);
  EXPECT_EQ(stat.reason, "a Linux program (static: no PT_INTERP, PVH note, multiboot header or Hermit ABI)");
  auto bsd = inspect_ok(make_elf({.osabi = 9, .segments = {{PT_LOAD, "static"}}}));
  EXPECT_EQ(bsd.reason, "an ELF program for another system (EI_OSABI 9) without a guest marker");

  auto rel = inspect_ok(make_elf({.type = 1}));
  EXPECT_CONTAINS(rel.reason, "not an executable");
}

TEST(VmGuestImage, NonElfFilesAreNotGuests) {
  EXPECT_EQ(inspect_ok("#!/bin/sh\necho hi\n").reason, "a script (#!)");
  EXPECT_EQ(inspect_ok("hello world\n").reason, "neither an ELF file nor a kernel image");
  EXPECT_EQ(inspect_ok("").reason, "an empty file");
  std::string be = make_elf({});
  be[5] = 2;
  EXPECT_CONTAINS(inspect_ok(be).reason, "big-endian");
}

TEST(VmGuestImage, EveryTruncationFailsCleanly) {
  for (const std::string& full : {pvh_elf(), make_elf({.note_sections = {pvh_note()}}),
                                  make_elf({.type = 3, .osabi = 0xff, .segments = {{PT_LOAD, "hermit app"}}}),
                                  make_elf({.is64 = false, .segments = {{PT_NOTE, pvh_note()}}})}) {
    for (size_t n = 0; n < full.size(); ++n) {
      auto r = inspect_guest_bytes(std::string_view(full).substr(0, n), "cut.elf");
      if (n < 4) {
        ASSERT_TRUE(r) << n;
        EXPECT_EQ(r->format, GuestFormat::not_a_guest) << n;
      } else {
        ASSERT_FALSE(r) << "prefix of " << n << " bytes was accepted as " << to_string(r->format);
        EXPECT_CONTAINS(r.error().message, "guest image cut.elf: ");
      }
    }
  }
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(pvh_elf().substr(0, 40), "x")), "truncated ELF header (40 bytes)");
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(pvh_elf().substr(0, 100), "x")), "lie outside the file of 100 bytes");
}

TEST(VmGuestImage, MalformedHeadersAreErrors) {
  std::string b = pvh_elf();
  put16(b, 56, 60000);  // e_phnum
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "program headers count 60000 is absurd");
  put16(b, 56, 0xffff);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "PN_XNUM");

  b = pvh_elf();
  put16(b, 54, 40);  // e_phentsize
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "program headers entry size 40 is not 56");

  b = pvh_elf();
  put64(b, 32, UINT64_MAX - 8);  // e_phoff near the top: offset + size must not wrap
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "lie outside the file");

  b = pvh_elf();
  b[4] = 3;
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "invalid ELF class 3");
}

TEST(VmGuestImage, NoteSizesThatOverflowAreErrors) {
  std::string n = pvh_note();
  std::string huge_name = n;
  put32(huge_name, 0, 0xfffffffe);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(make_elf({.segments = {{PT_NOTE, huge_name}}}), "x")),
                  "note name size 4294967294 overflows");
  std::string huge_desc = n;
  put32(huge_desc, 4, 0xffffffff);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(make_elf({.segments = {{PT_NOTE, huge_desc}}}), "x")),
                  "note descriptor size 4294967295 overflows");

  // A PT_NOTE whose file size runs past the end, or wraps around.
  std::string b = make_elf({.segments = {{PT_NOTE, n}}});
  put64(b, 64 + 32, 1000);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "segment 0 (1000 bytes at offset 120) runs past the end");
  put64(b, 64 + 32, UINT64_MAX);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "runs past the end of the file of 140 bytes: truncated?");

  // Note sections of absurd size or outside the file.
  b = make_elf({.note_sections = {n}});
  size_t sh1 = static_cast<size_t>(b[40] & 0xff) + 64;  // shoff < 256 here; section 1 follows the null section
  put64(b, sh1 + 32, UINT64_MAX);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "note section 1: notes larger than");
  put64(b, sh1 + 32, 4096);
  EXPECT_CONTAINS(error_of(inspect_guest_bytes(b, "x")), "note section 1: notes (4096 bytes");
}

TEST(VmGuestImage, RandomMutationsNeverCrash) {
  std::mt19937 rng(42);
  std::vector<std::string> seeds = {pvh_elf(), make_elf({.note_sections = {pvh_note()}}), bzimage(0x20f, 1),
                                    make_elf({.is64 = false, .segments = {{PT_NOTE, pvh_note()}}})};
  for (int i = 0; i < 3000; ++i) {
    std::string b = seeds[static_cast<size_t>(i) % seeds.size()];
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    (void)inspect_guest_bytes(b, "fuzz");
  }
}

TEST(VmGuestImage, FromFile) {
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "guest.elf", pvh_elf()));
  auto r = inspect_guest_image(dir / "guest.elf");
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->format, GuestFormat::pvh_elf);

  ASSERT_TRUE(write_file_atomic(dir / "cut.elf", pvh_elf().substr(0, 90)));
  EXPECT_CONTAINS(error_of(inspect_guest_image(dir / "cut.elf")), "guest image " + (dir / "cut.elf") + ": ");
  EXPECT_CONTAINS(error_of(inspect_guest_image(dir / "missing")), "missing: No such file");
  EXPECT_CONTAINS(error_of(inspect_guest_image(dir.path())), "not a regular file");
}

}  // namespace
}  // namespace runz::backends::vm
