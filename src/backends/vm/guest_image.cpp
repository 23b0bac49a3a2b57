#include "backends/vm/guest_image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "util/fs.hpp"

namespace runz::backends::vm {

std::string_view to_string(GuestFormat format) {
  switch (format) {
    case GuestFormat::not_a_guest: return "not a guest";
    case GuestFormat::pvh_elf: return "PVH ELF";
    case GuestFormat::multiboot1: return "multiboot";
    case GuestFormat::multiboot2: return "multiboot2";
    case GuestFormat::hermit: return "Hermit";
    case GuestFormat::linux_bzimage: return "Linux bzImage";
    case GuestFormat::linux_vmlinux: return "Linux vmlinux";
  }
  return "?";
}

std::string_view to_string(GuestArch arch) {
  switch (arch) {
    case GuestArch::x86_64: return "x86_64";
    case GuestArch::i386: return "i386";
    case GuestArch::aarch64: return "aarch64";
    case GuestArch::unknown: return "unknown";
  }
  return "?";
}

namespace {

// How far the fixed-position markers can be: multiboot2 must be in the first 32 KiB,
// multiboot1 in the first 8 KiB, the bzImage setup header at 0x1f1..0x268.
constexpr size_t kHeadBytes = 32768;
constexpr size_t kMultiboot1Window = 8192;
// Linux's own ELF loader refuses program header tables above 64 KiB; so do we.
constexpr uint64_t kMaxPhdrTable = 65536;
constexpr uint64_t kMaxShdrTable = 1 << 20;
constexpr uint64_t kMaxNoteBytes = 1 << 20;

constexpr uint32_t PT_INTERP = 3, PT_NOTE = 4, SHT_NOTE = 7;
constexpr uint16_t ET_EXEC = 2, ET_DYN = 3;
constexpr uint32_t XEN_ELFNOTE_PHYS32_ENTRY = 18;
constexpr unsigned char ELFOSABI_STANDALONE = 0xff;  // what Hermit stamps its apps with

// Where the bytes come from: a file (pread) or a buffer (unit tests).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // [offset, offset+len), which the caller has checked lies inside size().
  virtual Result<std::string> read(uint64_t offset, size_t len) const = 0;
};

class BufferSource : public ByteSource {
 public:
  explicit BufferSource(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<std::string> read(uint64_t offset, size_t len) const override {
    return std::string(bytes_.substr(offset, len));
  }

 private:
  std::string_view bytes_;
};

class FdSource : public ByteSource {
 public:
  FdSource(int fd, uint64_t size) : fd_(fd), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<std::string> read(uint64_t offset, size_t len) const override {
    std::string out(len, '\0');
    size_t done = 0;
    while (done < len) {
      ssize_t n = ::pread(fd_, out.data() + done, len - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_sys("read");
      if (n == 0) return fail_user("file shrank while being read");
      done += static_cast<size_t>(n);
    }
    return out;
  }

 private:
  int fd_;
  uint64_t size_;
};

// Little-endian fields from a buffer whose length the caller has checked.
uint16_t le16(std::string_view b, size_t at) {
  auto u = [&](size_t i) { return static_cast<uint16_t>(static_cast<unsigned char>(b[at + i])); };
  return static_cast<uint16_t>(u(0) | (u(1) << 8));
}
uint32_t le32(std::string_view b, size_t at) { return le16(b, at) | (uint32_t{le16(b, at + 2)} << 16); }
uint64_t le64(std::string_view b, size_t at) { return le32(b, at) | (uint64_t{le32(b, at + 4)} << 32); }

// [offset, offset+len) inside a file of `size` bytes, without overflowing.
bool in_range(uint64_t offset, uint64_t len, uint64_t size) { return len <= size && offset <= size - len; }

// Round up to a power-of-two alignment; false when that overflows.
bool align_up(uint64_t v, uint64_t align, uint64_t* out) {
  if (v > UINT64_MAX - (align - 1)) return false;
  *out = (v + align - 1) & ~(align - 1);
  return true;
}

std::optional<uint32_t> find_multiboot1(std::string_view head) {
  size_t window = std::min(head.size(), kMultiboot1Window);
  for (size_t at = 0; at + 12 <= window; at += 4) {
    if (le32(head, at) != 0x1BADB002) continue;
    uint32_t flags = le32(head, at + 4);
    if (static_cast<uint32_t>(0x1BADB002u + flags + le32(head, at + 8)) == 0) return flags;
  }
  return std::nullopt;
}

bool find_multiboot2(std::string_view head) {
  for (size_t at = 0; at + 16 <= head.size(); at += 8) {
    if (le32(head, at) != 0xE85250D6) continue;
    uint32_t sum = 0xE85250D6u + le32(head, at + 4) + le32(head, at + 8) + le32(head, at + 12);
    if (sum == 0) return true;
  }
  return false;
}

GuestArch arch_of_machine(uint16_t machine) {
  switch (machine) {
    case 62: return GuestArch::x86_64;
    case 3: return GuestArch::i386;
    case 183: return GuestArch::aarch64;
    default: return GuestArch::unknown;
  }
}

// The fields of the ELF header we use, for both classes.
struct ElfHeader {
  bool is64 = false;
  uint16_t type = 0, machine = 0;
  uint64_t entry = 0, phoff = 0, shoff = 0;
  uint16_t phentsize = 0, phnum = 0, shentsize = 0, shnum = 0;
};

// A note-bearing region (PT_NOTE or SHT_NOTE) to scan.
struct NoteRegion {
  uint64_t offset, size, align;
};

class ElfInspector {
 public:
  ElfInspector(const ByteSource& src, std::string_view head, GuestImage& img)
      : src_(src), head_(head), img_(img) {}

  Result<void> run() {
    TRYV(parse_header());
    img_.elf_class = hdr_.is64 ? 64 : 32;
    img_.arch = arch_of_machine(hdr_.machine);
    img_.entry = hdr_.entry;
    osabi_ = static_cast<unsigned char>(head_[7]);
    TRYV(scan_program_headers());
    if (osabi_ == ELFOSABI_STANDALONE) {
      img_.format = GuestFormat::hermit;
      return {};
    }
    if (!img_.pvh_entry && !img_.linux_note) TRYV(scan_section_notes());
    classify();
    return {};
  }

 private:
  Result<void> parse_header() {
    unsigned char cls = static_cast<unsigned char>(head_.size() > 4 ? head_[4] : 0);
    if (cls != 1 && cls != 2) return fail_user("invalid ELF class " + std::to_string(cls));
    hdr_.is64 = cls == 2;
    size_t need = hdr_.is64 ? 64 : 52;
    if (head_.size() < need) return fail_user("truncated ELF header (" + std::to_string(head_.size()) + " bytes)");
    hdr_.type = le16(head_, 16);
    hdr_.machine = le16(head_, 18);
    if (hdr_.is64) {
      hdr_.entry = le64(head_, 24);
      hdr_.phoff = le64(head_, 32);
      hdr_.shoff = le64(head_, 40);
      hdr_.phentsize = le16(head_, 54);
      hdr_.phnum = le16(head_, 56);
      hdr_.shentsize = le16(head_, 58);
      hdr_.shnum = le16(head_, 60);
    } else {
      hdr_.entry = le32(head_, 24);
      hdr_.phoff = le32(head_, 28);
      hdr_.shoff = le32(head_, 32);
      hdr_.phentsize = le16(head_, 42);
      hdr_.phnum = le16(head_, 44);
      hdr_.shentsize = le16(head_, 46);
      hdr_.shnum = le16(head_, 48);
    }
    return {};
  }

  // Read a table of `num` entries of `entsize` bytes at `offset`, all checked.
  Result<std::string> read_table(std::string_view what, uint64_t offset, uint16_t entsize, uint64_t num,
                                 uint16_t want_entsize, uint64_t max_bytes) {
    if (entsize != want_entsize)
      return fail_user(std::string(what) + " entry size " + std::to_string(entsize) + " is not " +
                       std::to_string(want_entsize));
    uint64_t bytes = num * entsize;  // both at most 16 bits: no overflow
    if (bytes > max_bytes)
      return fail_user(std::string(what) + " count " + std::to_string(num) + " is absurd");
    if (!in_range(offset, bytes, src_.size()))
      return fail_user(std::string(what) + " (" + std::to_string(num) + " at offset " + std::to_string(offset) +
                       ") lie outside the file of " + std::to_string(src_.size()) + " bytes");
    return src_.read(offset, bytes);
  }

  Result<void> scan_program_headers() {
    if (hdr_.phnum == 0xffff) return fail_user("extended program header count (PN_XNUM) is not supported");
    if (hdr_.phnum == 0) return {};
    uint16_t entsize = hdr_.is64 ? 56 : 32;
    TRY(std::string table, read_table("program headers", hdr_.phoff, hdr_.phentsize, hdr_.phnum, entsize,
                                      kMaxPhdrTable));
    for (size_t i = 0; i < hdr_.phnum; ++i) {
      std::string_view ph = std::string_view(table).substr(i * entsize, entsize);
      uint32_t type = le32(ph, 0);
      uint64_t offset = hdr_.is64 ? le64(ph, 8) : le32(ph, 4), filesz = hdr_.is64 ? le64(ph, 32) : le32(ph, 16);
      if (!in_range(offset, filesz, src_.size()))
        return fail_user("segment " + std::to_string(i) + " (" + std::to_string(filesz) + " bytes at offset " +
                         std::to_string(offset) + ") runs past the end of the file of " +
                         std::to_string(src_.size()) + " bytes: truncated?");
      if (type == PT_INTERP) has_interp_ = true;
      if (type != PT_NOTE) continue;
      NoteRegion r = hdr_.is64 ? NoteRegion{le64(ph, 8), le64(ph, 32), le64(ph, 48)}
                               : NoteRegion{le32(ph, 4), le32(ph, 16), le32(ph, 28)};
      TRYV(with_context(scan_notes(r), "PT_NOTE " + std::to_string(i)));
    }
    return {};
  }

  // Some images carry their notes only in sections (a stripped program header view).
  Result<void> scan_section_notes() {
    if (hdr_.shoff == 0 || hdr_.shnum == 0) return {};
    uint16_t entsize = hdr_.is64 ? 64 : 40;
    TRY(std::string table, read_table("section headers", hdr_.shoff, hdr_.shentsize, hdr_.shnum, entsize,
                                      kMaxShdrTable));
    for (size_t i = 0; i < hdr_.shnum; ++i) {
      std::string_view sh = std::string_view(table).substr(i * entsize, entsize);
      if (le32(sh, 4) != SHT_NOTE) continue;
      NoteRegion r = hdr_.is64 ? NoteRegion{le64(sh, 24), le64(sh, 32), le64(sh, 48)}
                               : NoteRegion{le32(sh, 16), le32(sh, 20), le32(sh, 32)};
      TRYV(with_context(scan_notes(r), "note section " + std::to_string(i)));
    }
    return {};
  }

  Result<void> scan_notes(const NoteRegion& r) {
    if (r.size > kMaxNoteBytes || note_bytes_ > kMaxNoteBytes - r.size)
      return fail_user("notes larger than " + std::to_string(kMaxNoteBytes) + " bytes");
    note_bytes_ += r.size;
    if (!in_range(r.offset, r.size, src_.size()))
      return fail_user("notes (" + std::to_string(r.size) + " bytes at offset " + std::to_string(r.offset) +
                       ") lie outside the file of " + std::to_string(src_.size()) + " bytes");
    TRY(std::string notes, src_.read(r.offset, r.size));
    // Name and descriptor start at offsets aligned from the start of the notes (8 for the
    // 8-aligned GNU property notes, else 4); the last note may lack its trailing padding.
    uint64_t align = r.align == 8 ? 8 : 4;
    uint64_t pos = 0, size = notes.size();
    while (size - pos >= 12) {
      uint32_t namesz = le32(notes, pos), descsz = le32(notes, pos + 4), type = le32(notes, pos + 8);
      uint64_t name_at = pos + 12;
      if (!in_range(name_at, namesz, size))
        return fail_user("note name size " + std::to_string(namesz) + " overflows the notes");
      uint64_t desc_at = 0;
      if (!align_up(name_at + namesz, align, &desc_at)) desc_at = UINT64_MAX;
      desc_at = std::min(desc_at, size);
      if (!in_range(desc_at, descsz, size))
        return fail_user("note descriptor size " + std::to_string(descsz) + " overflows the notes");
      std::string_view name = std::string_view(notes).substr(name_at, namesz);
      while (!name.empty() && name.back() == '\0') name.remove_suffix(1);
      std::string_view desc = std::string_view(notes).substr(desc_at, descsz);
      if (name == "Xen" && type == XEN_ELFNOTE_PHYS32_ENTRY && desc.size() >= 4) img_.pvh_entry = le32(desc, 0);
      if (name == "Linux") img_.linux_note = true;
      if (!align_up(desc_at + descsz, align, &pos)) break;
      if (pos >= size) break;
    }
    return {};
  }

  void classify() {
    if (img_.linux_note && (img_.pvh_entry || (hdr_.type == ET_EXEC && !has_interp_))) {
      img_.format = GuestFormat::linux_vmlinux;  // Debian's vmlinux has both Xen and Linux notes
    } else if (img_.pvh_entry) {
      img_.format = GuestFormat::pvh_elf;
    } else if (img_.multiboot1_flags) {
      img_.format = GuestFormat::multiboot1;
    } else if (img_.multiboot2) {
      img_.format = GuestFormat::multiboot2;
    } else if (has_interp_) {
      img_.reason = "a Linux program (has PT_INTERP)";
    } else if ((hdr_.type == ET_EXEC || hdr_.type == ET_DYN) && (osabi_ == 0 || osabi_ == 3)) {
      img_.reason = "a Linux program (static: no PT_INTERP, PVH note, multiboot header or Hermit ABI)";
    } else if (hdr_.type == ET_EXEC || hdr_.type == ET_DYN) {
      img_.reason = "an ELF program for another system (EI_OSABI " + std::to_string(osabi_) + ") without a guest marker";
    } else {
      img_.reason = "an ELF file that is not an executable (e_type " + std::to_string(hdr_.type) + ")";
    }
  }

  const ByteSource& src_;
  std::string_view head_;
  GuestImage& img_;
  ElfHeader hdr_;
  unsigned osabi_ = 0;
  bool has_interp_ = false;
  uint64_t note_bytes_ = 0;
};

bool is_bzimage(std::string_view head) {
  return head.size() >= 0x208 && static_cast<unsigned char>(head[0x1fe]) == 0x55 &&
         static_cast<unsigned char>(head[0x1ff]) == 0xaa && head.substr(0x202, 4) == "HdrS";
}

void inspect_bzimage(std::string_view head, GuestImage& img) {
  img.format = GuestFormat::linux_bzimage;
  img.boot_protocol = le16(head, 0x206);
  // xloadflags (protocol 2.12+) bit 0: the kernel has a 64-bit entry point.
  bool kernel64 = img.boot_protocol >= 0x020c && head.size() >= 0x238 && (le16(head, 0x236) & 1);
  img.arch = kernel64 ? GuestArch::x86_64 : GuestArch::i386;
}

Result<GuestImage> inspect(const ByteSource& src) {
  GuestImage img;
  TRY(std::string head, src.read(0, static_cast<size_t>(std::min<uint64_t>(src.size(), kHeadBytes))));
  img.multiboot1_flags = find_multiboot1(head);
  img.multiboot2 = find_multiboot2(head);
  if (head.starts_with("\x7f" "ELF")) {
    if (head.size() > 5 && head[5] == 2) {
      img.reason = "a big-endian ELF (runz boots little-endian guests only)";
      return img;
    }
    ElfInspector elf(src, head, img);
    TRYV(elf.run());
    return img;
  }
  if (is_bzimage(head)) {
    inspect_bzimage(head, img);
    return img;
  }
  // A flat multiboot binary (the a.out kludge) has no other header.
  if (img.multiboot1_flags) {
    img.format = GuestFormat::multiboot1;
    img.arch = GuestArch::i386;
    return img;
  }
  if (head.empty())
    img.reason = "an empty file";
  else if (head.starts_with("#!"))
    img.reason = "a script (#!)";
  else
    img.reason = "neither an ELF file nor a kernel image";
  return img;
}

std::string image_error_prefix(std::string_view name) { return "guest image " + std::string(name); }

}  // namespace

Result<GuestImage> inspect_guest_bytes(std::string_view bytes, std::string_view name) {
  return with_context(inspect(BufferSource(bytes)), image_error_prefix(name));
}

Result<GuestImage> inspect_guest_image_fd(int fd, std::string_view name) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(sys_error("fstat").context(image_error_prefix(name)));
  if (!S_ISREG(st.st_mode)) return fail_user(image_error_prefix(name) + ": not a regular file");
  return with_context(inspect(FdSource(fd, static_cast<uint64_t>(st.st_size))), image_error_prefix(name));
}

Result<GuestImage> inspect_guest_image(const std::string& path) {
  auto fd = open_fd(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (!fd) return std::unexpected(std::move(fd.error()).context("guest image"));
  return inspect_guest_image_fd(fd->get(), path);
}

}  // namespace runz::backends::vm
