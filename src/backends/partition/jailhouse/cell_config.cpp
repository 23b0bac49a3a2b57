#include "backends/partition/jailhouse/cell_config.hpp"

#include <algorithm>

namespace runz::backends::partition::jailhouse {
namespace {

// Element sizes of the arrays after the header (packed, little-endian).
constexpr std::size_t kCacheRegionSize = 12;
constexpr std::size_t kIrqchipSize = 32;
constexpr std::size_t kPioRegionSize = 4;
constexpr std::size_t kPciDeviceSize = 56;
constexpr std::size_t kPciCapSize = 8;
constexpr std::size_t kStreamIdSize = 4;
constexpr std::size_t kQosDeviceSize = kQosDeviceNameLen + 1 + 4;
constexpr std::size_t kNameField = kCellNameMax + 1;
// Linux's NR_CPUS tops out at 8192: a bigger bitmap is garbage, not a machine.
constexpr uint32_t kMaxCpuSetBytes = 8192 / 8;

// Appends little-endian integers and fixed-width strings, byte by byte, so no struct padding
// or host byte order can leak into the file.
class ByteWriter {
 public:
  explicit ByteWriter(std::size_t reserve) { out_.reserve(reserve); }
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  // `s` cut to `width - 1` bytes and NUL-padded to `width` (a C char array with its NUL).
  void cstring(std::string_view s, std::size_t width) { fixed(s.substr(0, width - 1), width); }
  // `s` cut to `width` bytes and NUL-padded (a char array that needs no NUL).
  void fixed(std::string_view s, std::size_t width) {
    s = s.substr(0, width);
    out_.append(s);
    out_.append(width - s.size(), '\0');
  }
  void raw(std::string_view s) { out_.append(s); }
  std::string take() { return std::move(out_); }

 private:
  void le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

// Reads little-endian integers; past the end it yields zeros and remembers the overrun, so a
// miscounted length can never read outside the buffer.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint16_t u16() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  std::string_view bytes(std::size_t n) {
    if (n > in_.size() - pos_) {
      overrun_ = true;
      pos_ = in_.size();
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A NUL-terminated string in a fixed field of `width` bytes, at most `max` bytes long.
  std::string cstring(std::size_t width, std::size_t max) {
    std::string_view s = bytes(width);
    s = s.substr(0, std::min(max, s.find('\0')));
    return std::string(s);
  }
  bool overrun() const { return overrun_; }

 private:
  uint64_t le(int n) {
    std::string_view s = bytes(static_cast<std::size_t>(n));
    uint64_t v = 0;
    for (std::size_t i = 0; i < s.size(); ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s[i])) << (8 * i);
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool overrun_ = false;
};

bool omnivisor(Layout layout) { return layout == Layout::omnivisor; }

// Bit n of the set is bit n%8 of byte n/8: the byte view of little-endian unsigned longs.
void write_cpu_set(ByteWriter& w, const std::set<unsigned>& cpus) {
  std::string bitmap(cpu_set_size(cpus), '\0');
  for (unsigned cpu : cpus) bitmap[cpu / 8] = static_cast<char>(bitmap[cpu / 8] | (1u << (cpu % 8)));
  w.raw(bitmap);
}

std::set<unsigned> read_cpu_set(ByteReader& r, uint32_t size) {
  std::set<unsigned> cpus;
  std::string_view bitmap = r.bytes(size);
  for (std::size_t i = 0; i < bitmap.size(); ++i)
    for (unsigned bit = 0; bit < 8; ++bit)
      if (static_cast<uint8_t>(bitmap[i]) & (1u << bit)) cpus.insert(static_cast<unsigned>(i * 8 + bit));
  return cpus;
}

void write_memory_region(ByteWriter& w, const MemoryRegion& m, Layout layout) {
  w.u64(m.phys_start);
  w.u64(m.virt_start);
  w.u64(m.size);
  w.u64(m.flags);
  if (omnivisor(layout)) w.u64(m.colors);
}

MemoryRegion read_memory_region(ByteReader& r, Layout layout) {
  MemoryRegion m;
  m.phys_start = r.u64();
  m.virt_start = r.u64();
  m.size = r.u64();
  m.flags = r.u64();
  if (omnivisor(layout)) m.colors = r.u64();
  return m;
}

void write_cache_region(ByteWriter& w, const CacheRegion& c) {
  w.u32(c.start);
  w.u32(c.size);
  w.u8(c.type);
  w.u8(0);  // padding
  w.u16(c.flags);
}

CacheRegion read_cache_region(ByteReader& r) {
  CacheRegion c;
  c.start = r.u32();
  c.size = r.u32();
  c.type = r.u8();
  r.u8();  // padding
  c.flags = r.u16();
  return c;
}

void write_irqchip(ByteWriter& w, const Irqchip& i) {
  w.u64(i.address);
  w.u32(i.id);
  w.u32(i.pin_base);
  for (uint32_t bits : i.pin_bitmap) w.u32(bits);
}

Irqchip read_irqchip(ByteReader& r) {
  Irqchip i;
  i.address = r.u64();
  i.id = r.u32();
  i.pin_base = r.u32();
  for (uint32_t& bits : i.pin_bitmap) bits = r.u32();
  return i;
}

void write_pio_region(ByteWriter& w, const PioRegion& p) {
  w.u16(p.base);
  w.u16(p.length);
}

PioRegion read_pio_region(ByteReader& r) {
  PioRegion p;
  p.base = r.u16();
  p.length = r.u16();
  return p;
}

void write_pci_device(ByteWriter& w, const PciDevice& d) {
  w.u8(d.type);
  w.u8(d.iommu);
  w.u16(d.domain);
  w.u16(d.bdf);
  for (uint32_t mask : d.bar_mask) w.u32(mask);  // @6
  w.u16(d.caps_start);                           // @30
  w.u16(d.num_caps);
  w.u8(d.num_msi_vectors);                       // @34
  w.u8(static_cast<uint8_t>((d.msi_64bits ? 1 : 0) | (d.msi_maskable ? 2 : 0)));  // bitfields @35
  w.u16(d.num_msix_vectors);                     // @36
  w.u16(d.msix_region_size);
  w.u64(d.msix_address);                         // @40
  w.u32(d.shmem_regions_start);                  // @48
  w.u8(d.shmem_dev_id);
  w.u8(d.shmem_peers);
  w.u16(d.shmem_protocol);                       // @54
}

PciDevice read_pci_device(ByteReader& r) {
  PciDevice d;
  d.type = r.u8();
  d.iommu = r.u8();
  d.domain = r.u16();
  d.bdf = r.u16();
  for (uint32_t& mask : d.bar_mask) mask = r.u32();
  d.caps_start = r.u16();
  d.num_caps = r.u16();
  d.num_msi_vectors = r.u8();
  uint8_t msi = r.u8();
  d.msi_64bits = msi & 1;
  d.msi_maskable = msi & 2;
  d.num_msix_vectors = r.u16();
  d.msix_region_size = r.u16();
  d.msix_address = r.u64();
  d.shmem_regions_start = r.u32();
  d.shmem_dev_id = r.u8();
  d.shmem_peers = r.u8();
  d.shmem_protocol = r.u16();
  return d;
}

void write_pci_cap(ByteWriter& w, const PciCapability& c) {
  w.u16(c.id);
  w.u16(c.start);
  w.u16(c.len);
  w.u16(c.flags);
}

PciCapability read_pci_cap(ByteReader& r) {
  PciCapability c;
  c.id = r.u16();
  c.start = r.u16();
  c.len = r.u16();
  c.flags = r.u16();
  return c;
}

void write_qos_device(ByteWriter& w, const QosDevice& q) {
  w.fixed(q.name, kQosDeviceNameLen);
  w.u8(q.flags);
  w.u32(q.base);
}

QosDevice read_qos_device(ByteReader& r) {
  QosDevice q;
  q.name = r.cstring(kQosDeviceNameLen, kQosDeviceNameLen);
  q.flags = r.u8();
  q.base = r.u32();
  return q;
}

void write_console(ByteWriter& w, const Console& c) {
  w.u64(c.address);
  w.u32(c.size);
  w.u16(c.type);
  w.u16(c.flags);
  w.u32(c.divider);
  w.u32(c.gate_nr);
  w.u64(c.clock_reg);
}

Console read_console(ByteReader& r) {
  Console c;
  c.address = r.u64();
  c.size = r.u32();
  c.type = r.u16();
  c.flags = r.u16();
  c.divider = r.u32();
  c.gate_nr = r.u32();
  c.clock_reg = r.u64();
  return c;
}

// The sizes and counts of a header, as read, before any array is touched.
struct HeaderCounts {
  uint32_t cpu_set_size = 0;
  uint32_t rcpu_set_size = 0;
  uint32_t memory_regions = 0;
  uint32_t cache_regions = 0;
  uint32_t irqchips = 0;
  uint32_t pio_regions = 0;
  uint32_t pci_devices = 0;
  uint32_t pci_caps = 0;
  uint32_t stream_ids = 0;
  uint32_t qos_devices = 0;

  // 64-bit arithmetic: 32-bit counts times element sizes cannot overflow it.
  uint64_t total(Layout layout) const {
    return header_size(layout) + uint64_t{cpu_set_size} + rcpu_set_size +
           uint64_t{memory_regions} * memory_region_size(layout) + uint64_t{cache_regions} * kCacheRegionSize +
           uint64_t{irqchips} * kIrqchipSize + uint64_t{pio_regions} * kPioRegionSize +
           uint64_t{pci_devices} * kPciDeviceSize + uint64_t{pci_caps} * kPciCapSize +
           uint64_t{stream_ids} * kStreamIdSize + uint64_t{qos_devices} * kQosDeviceSize;
  }
};

template <typename T>
uint32_t count(const std::vector<T>& v) {
  return static_cast<uint32_t>(v.size());
}

HeaderCounts counts_of(const CellConfig& cell, Layout layout) {
  HeaderCounts c;
  c.cpu_set_size = cpu_set_size(cell.cpus);
  c.memory_regions = count(cell.memory_regions);
  c.cache_regions = count(cell.cache_regions);
  c.irqchips = count(cell.irqchips);
  c.pio_regions = count(cell.pio_regions);
  c.pci_devices = count(cell.pci_devices);
  c.pci_caps = count(cell.pci_caps);
  c.stream_ids = count(cell.stream_ids);
  if (omnivisor(layout)) {
    c.rcpu_set_size = cpu_set_size(cell.rcpus);
    c.qos_devices = count(cell.qos_devices);
  }
  return c;
}

template <typename T, typename ReadOne>
std::vector<T> read_array(ByteReader& r, uint32_t n, ReadOne read_one) {
  std::vector<T> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) out.push_back(read_one(r));
  return out;
}

std::unexpected<Error> bad(std::string_view why) { return fail_user("cell config: " + std::string(why)); }

}  // namespace

std::size_t header_size(Layout layout) { return omnivisor(layout) ? 140 : 132; }

std::size_t memory_region_size(Layout layout) { return omnivisor(layout) ? 40 : 32; }

uint32_t cpu_set_size(const std::set<unsigned>& cpus) {
  unsigned longs = cpus.empty() ? 1 : *cpus.rbegin() / 64 + 1;
  return static_cast<uint32_t>(longs * 8);
}

std::size_t encoded_size(const CellConfig& cell, Layout layout) {
  return static_cast<std::size_t>(counts_of(cell, layout).total(layout));
}

std::string encode_cell_config(const CellConfig& cell, Layout layout) {
  const HeaderCounts c = counts_of(cell, layout);
  ByteWriter w(static_cast<std::size_t>(c.total(layout)));
  w.fixed(kCellSignature, kCellSignature.size());
  w.u8(static_cast<uint8_t>(cell.architecture));
  w.u16(kConfigRevision);
  w.cstring(cell.name, kNameField);
  w.u32(cell.id);
  w.u32(cell.flags);
  w.u32(c.cpu_set_size);
  if (omnivisor(layout)) w.u32(c.rcpu_set_size);
  w.u32(c.memory_regions);
  w.u32(c.cache_regions);
  w.u32(c.irqchips);
  w.u32(c.pio_regions);
  w.u32(c.pci_devices);
  w.u32(c.pci_caps);
  w.u32(c.stream_ids);
  if (omnivisor(layout)) w.u32(c.qos_devices);
  w.u32(cell.vpci_irq_base);
  w.u64(cell.cpu_reset_address);
  w.u64(cell.msg_reply_timeout);
  write_console(w, cell.console);

  write_cpu_set(w, cell.cpus);
  if (omnivisor(layout)) write_cpu_set(w, cell.rcpus);
  for (const auto& m : cell.memory_regions) write_memory_region(w, m, layout);
  for (const auto& x : cell.cache_regions) write_cache_region(w, x);
  for (const auto& x : cell.irqchips) write_irqchip(w, x);
  for (const auto& x : cell.pio_regions) write_pio_region(w, x);
  for (const auto& x : cell.pci_devices) write_pci_device(w, x);
  for (const auto& x : cell.pci_caps) write_pci_cap(w, x);
  for (uint32_t id : cell.stream_ids) w.u32(id);
  if (omnivisor(layout))
    for (const auto& x : cell.qos_devices) write_qos_device(w, x);
  return w.take();
}

Result<CellConfig> decode_cell_config(std::string_view bytes, Layout layout) {
  if (bytes.size() < header_size(layout))
    return bad(std::to_string(bytes.size()) + " bytes, shorter than the " + std::to_string(header_size(layout)) +
               "-byte header");
  ByteReader r(bytes);
  if (r.bytes(kCellSignature.size()) != kCellSignature) return bad("bad signature (not \"JHCLL\")");
  CellConfig cell;
  uint8_t arch = r.u8();
  if (arch > static_cast<uint8_t>(Architecture::arm64)) return bad("unknown architecture " + std::to_string(arch));
  cell.architecture = static_cast<Architecture>(arch);
  uint16_t revision = r.u16();
  if (revision != kConfigRevision)
    return bad("revision " + std::to_string(revision) + ", expected " + std::to_string(kConfigRevision));
  cell.name = r.cstring(kNameField, kCellNameMax);
  cell.id = r.u32();
  cell.flags = r.u32();

  HeaderCounts c;
  c.cpu_set_size = r.u32();
  if (omnivisor(layout)) c.rcpu_set_size = r.u32();
  c.memory_regions = r.u32();
  c.cache_regions = r.u32();
  c.irqchips = r.u32();
  c.pio_regions = r.u32();
  c.pci_devices = r.u32();
  c.pci_caps = r.u32();
  c.stream_ids = r.u32();
  if (omnivisor(layout)) c.qos_devices = r.u32();
  cell.vpci_irq_base = r.u32();
  cell.cpu_reset_address = r.u64();
  cell.msg_reply_timeout = r.u64();
  cell.console = read_console(r);

  if (c.cpu_set_size > kMaxCpuSetBytes || c.rcpu_set_size > kMaxCpuSetBytes)
    return bad("CPU set of " + std::to_string(std::max(c.cpu_set_size, c.rcpu_set_size)) + " bytes (at most " +
               std::to_string(kMaxCpuSetBytes) + ")");
  uint64_t total = c.total(layout);
  if (total != bytes.size())
    return bad("the header's sizes and counts add up to " + std::to_string(total) + " bytes, the file has " +
               std::to_string(bytes.size()));

  cell.cpus = read_cpu_set(r, c.cpu_set_size);
  if (omnivisor(layout)) cell.rcpus = read_cpu_set(r, c.rcpu_set_size);
  cell.memory_regions =
      read_array<MemoryRegion>(r, c.memory_regions, [&](ByteReader& br) { return read_memory_region(br, layout); });
  cell.cache_regions = read_array<CacheRegion>(r, c.cache_regions, read_cache_region);
  cell.irqchips = read_array<Irqchip>(r, c.irqchips, read_irqchip);
  cell.pio_regions = read_array<PioRegion>(r, c.pio_regions, read_pio_region);
  cell.pci_devices = read_array<PciDevice>(r, c.pci_devices, read_pci_device);
  cell.pci_caps = read_array<PciCapability>(r, c.pci_caps, read_pci_cap);
  cell.stream_ids = read_array<uint32_t>(r, c.stream_ids, [](ByteReader& br) { return br.u32(); });
  cell.qos_devices = read_array<QosDevice>(r, c.qos_devices, read_qos_device);
  if (r.overrun()) return bad("truncated");  // unreachable after the size check; kept as a guard
  return cell;
}

Result<Layout> parse_layout(std::string_view name) {
  if (name == "upstream" || name == "upstream_r14") return Layout::upstream_r14;
  if (name == "omnivisor") return Layout::omnivisor;
  return fail_user("unknown jailhouse cell config layout \"" + std::string(name) +
                   "\" (expected upstream or omnivisor)");
}

std::string_view layout_name(Layout layout) { return omnivisor(layout) ? "omnivisor" : "upstream"; }

Result<Architecture> parse_architecture(std::string_view name) {
  if (name == "x86" || name == "x86_64") return Architecture::x86;
  if (name == "arm") return Architecture::arm;
  if (name == "arm64" || name == "aarch64") return Architecture::arm64;
  return fail_user("unknown jailhouse architecture \"" + std::string(name) + "\" (expected x86, arm or arm64)");
}

std::string_view architecture_name(Architecture arch) {
  switch (arch) {
    case Architecture::x86: return "x86";
    case Architecture::arm: return "arm";
    case Architecture::arm64: return "arm64";
  }
  return "unknown";
}

}  // namespace runz::backends::partition::jailhouse
