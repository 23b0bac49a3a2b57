// The binary Jailhouse cell config, pinned byte by byte (cell-config.h revision 14 and the
// Omnivisor variant), decode's refusal of short, garbled and hostile input, and a golden
// file shared with the simulator's own Python encoder/decoder (tests/sim/jailhouse).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "backends/partition/jailhouse/cell_config.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::backends::partition::jailhouse {
namespace {

using runz::test::error_of;

uint64_t le(const std::string& b, std::size_t off, int n) {
  EXPECT_LE(off + n, b.size()) << "read past the end at " << off;
  if (off + n > b.size()) return 0;
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[off + i])) << (8 * i);
  return v;
}
uint64_t u8(const std::string& b, std::size_t off) { return le(b, off, 1); }
uint64_t u16(const std::string& b, std::size_t off) { return le(b, off, 2); }
uint64_t u32(const std::string& b, std::size_t off) { return le(b, off, 4); }
uint64_t u64(const std::string& b, std::size_t off) { return le(b, off, 8); }

void put32(std::string& b, std::size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Every header field a different value, so a field at the wrong offset shows.
CellConfig header_only() {
  CellConfig c;
  c.name = "demo-cell";
  c.id = 0x11223344;
  c.flags = kCellPassiveCommreg | kCellVirtualConsolePermitted;
  c.architecture = Architecture::arm64;
  c.cpus = {1};
  c.vpci_irq_base = 0x55667788;
  c.cpu_reset_address = 0x0102030405060708;
  c.msg_reply_timeout = 0x1112131415161718;
  c.console = {0x2122232425262728, 0x31323334, 0x4142, 0x5152, 0x61626364, 0x71727374, 0x8182838485868788};
  return c;
}

// One of each array element, with distinct values.
CellConfig full_cell() {
  CellConfig c = header_only();
  c.cpus = {1, 3, 64};
  c.memory_regions = {
      {0x3a600000, 0x0, 0x100000, kMemRead | kMemWrite | kMemExecute | kMemLoadable, 0},
      {0x0, 0x80000000, 0x1000, kMemRead | kMemWrite | kMemCommRegion, 0},
  };
  c.cache_regions = {{0x10, 0x20, 0x3, 0x0001}};
  Irqchip chip;
  chip.address = 0xfec00000;
  chip.id = 0xff00;
  chip.pin_base = 32;
  chip.pin_bitmap = {0xa1, 0xb2, 0xc3, 0xd4};
  c.irqchips = {chip};
  c.pio_regions = {{0x3f8, 8}, {0x2f8, 8}};
  PciDevice dev;
  dev.type = kPciTypeIvshmem;
  dev.iommu = 1;
  dev.domain = 0x0002;
  dev.bdf = 0x0e << 3;
  dev.bar_mask = {0xfffff000, 0xfffff001, 2, 3, 4, 5};
  dev.caps_start = 7;
  dev.num_caps = 2;
  dev.num_msi_vectors = 4;
  dev.msi_64bits = true;
  dev.msi_maskable = true;
  dev.num_msix_vectors = 16;
  dev.msix_region_size = 0x1000;
  dev.msix_address = 0xfebf0000;
  dev.shmem_regions_start = 2;
  dev.shmem_dev_id = 1;
  dev.shmem_peers = 2;
  dev.shmem_protocol = 0x0001;
  c.pci_devices = {dev};
  c.pci_caps = {{0x05, 0x50, 14, 1}, {0x8001, 0x100, 8, 0}};
  c.stream_ids = {0x860, 0x861};
  return c;
}

CellConfig full_omnivisor_cell() {
  CellConfig c = full_cell();
  c.rcpus = {0, 1};
  c.memory_regions[0].colors = 0xf0f0;
  c.qos_devices = {{"rpu0", 0x3, 0xa42100}, {"a-fifteen-bytes", 0x1, 0x45100}};
  return c;
}

TEST(JailhouseCellConfig, UpstreamHeaderFieldsAtTheirOffsets) {
  std::string b = encode_cell_config(header_only(), Layout::upstream_r14);
  ASSERT_EQ(header_size(Layout::upstream_r14), 132u);
  ASSERT_EQ(b.size(), 132u + 8u);
  EXPECT_EQ(b.substr(0, 5), "JHCLL");
  EXPECT_EQ(u8(b, 5), 2u);  // arm64
  EXPECT_EQ(u16(b, 6), 14u);
  EXPECT_EQ(b.substr(8, 32), std::string("demo-cell") + std::string(23, '\0'));
  EXPECT_EQ(u32(b, 40), 0x11223344u);
  EXPECT_EQ(u32(b, 44), 0x40000001u);
  EXPECT_EQ(u32(b, 48), 8u);  // cpu_set_size
  for (std::size_t off = 52; off <= 76; off += 4) EXPECT_EQ(u32(b, off), 0u) << "count at " << off;
  EXPECT_EQ(u32(b, 80), 0x55667788u);
  EXPECT_EQ(u64(b, 84), 0x0102030405060708u);
  EXPECT_EQ(u64(b, 92), 0x1112131415161718u);
  EXPECT_EQ(u64(b, 100), 0x2122232425262728u);  // console.address
  EXPECT_EQ(u32(b, 108), 0x31323334u);          // console.size
  EXPECT_EQ(u16(b, 112), 0x4142u);              // console.type
  EXPECT_EQ(u16(b, 114), 0x5152u);              // console.flags
  EXPECT_EQ(u32(b, 116), 0x61626364u);          // console.divider
  EXPECT_EQ(u32(b, 120), 0x71727374u);          // console.gate_nr
  EXPECT_EQ(u64(b, 124), 0x8182838485868788u);  // console.clock_reg
  EXPECT_EQ(u64(b, 132), 0x2u);                 // CPU 1
}

TEST(JailhouseCellConfig, UpstreamCountsAtTheirOffsets) {
  std::string b = encode_cell_config(full_cell(), Layout::upstream_r14);
  EXPECT_EQ(u32(b, 48), 16u);  // cpu_set_size: CPU 64 needs a second unsigned long
  EXPECT_EQ(u32(b, 52), 2u);   // num_memory_regions
  EXPECT_EQ(u32(b, 56), 1u);   // num_cache_regions
  EXPECT_EQ(u32(b, 60), 1u);   // num_irqchips
  EXPECT_EQ(u32(b, 64), 2u);   // num_pio_regions
  EXPECT_EQ(u32(b, 68), 1u);   // num_pci_devices
  EXPECT_EQ(u32(b, 72), 2u);   // num_pci_caps
  EXPECT_EQ(u32(b, 76), 2u);   // num_stream_ids
}

TEST(JailhouseCellConfig, CpuBitmapIsLittleEndianUnsignedLongs) {
  CellConfig c = header_only();
  c.cpus = {1, 3, 64};
  std::string b = encode_cell_config(c, Layout::upstream_r14);
  ASSERT_EQ(u32(b, 48), 16u);
  EXPECT_EQ(u64(b, 132), (1u << 1) | (1u << 3));
  EXPECT_EQ(u64(b, 140), 1u);
  EXPECT_EQ(u8(b, 132), 0x0au);
  EXPECT_EQ(u8(b, 140), 0x01u);
  EXPECT_EQ(b.size(), 132u + 16u);
  EXPECT_EQ(cpu_set_size({}), 8u);
  EXPECT_EQ(cpu_set_size({63}), 8u);
  EXPECT_EQ(cpu_set_size({64}), 16u);
  EXPECT_EQ(cpu_set_size({200}), 32u);
}

TEST(JailhouseCellConfig, UpstreamArraysInOrderWithTheirEncodings) {
  CellConfig c = full_cell();
  std::string b = encode_cell_config(c, Layout::upstream_r14);
  std::size_t off = 132 + 16;
  // memory regions, 32 bytes: phys, virt, size, flags
  EXPECT_EQ(u64(b, off + 0), 0x3a600000u);
  EXPECT_EQ(u64(b, off + 8), 0x0u);
  EXPECT_EQ(u64(b, off + 16), 0x100000u);
  EXPECT_EQ(u64(b, off + 24), 0x47u);
  EXPECT_EQ(u64(b, off + 32), 0x0u);
  EXPECT_EQ(u64(b, off + 40), 0x80000000u);
  EXPECT_EQ(u64(b, off + 48), 0x1000u);
  EXPECT_EQ(u64(b, off + 56), 0x23u);
  off += 2 * 32;
  // cache region, 12 bytes: start u32, size u32, type u8, pad u8, flags u16
  EXPECT_EQ(u32(b, off), 0x10u);
  EXPECT_EQ(u32(b, off + 4), 0x20u);
  EXPECT_EQ(u8(b, off + 8), 0x3u);
  EXPECT_EQ(u8(b, off + 9), 0x0u);
  EXPECT_EQ(u16(b, off + 10), 0x1u);
  off += 12;
  // irqchip, 32 bytes: address u64, id u32, pin_base u32, pin_bitmap[4] u32
  EXPECT_EQ(u64(b, off), 0xfec00000u);
  EXPECT_EQ(u32(b, off + 8), 0xff00u);
  EXPECT_EQ(u32(b, off + 12), 32u);
  EXPECT_EQ(u32(b, off + 16), 0xa1u);
  EXPECT_EQ(u32(b, off + 20), 0xb2u);
  EXPECT_EQ(u32(b, off + 24), 0xc3u);
  EXPECT_EQ(u32(b, off + 28), 0xd4u);
  off += 32;
  // pio regions, 4 bytes: base u16, length u16
  EXPECT_EQ(u16(b, off), 0x3f8u);
  EXPECT_EQ(u16(b, off + 2), 8u);
  EXPECT_EQ(u16(b, off + 4), 0x2f8u);
  EXPECT_EQ(u16(b, off + 6), 8u);
  off += 2 * 4;
  // pci device, 56 bytes
  EXPECT_EQ(u8(b, off + 0), 3u);
  EXPECT_EQ(u8(b, off + 1), 1u);
  EXPECT_EQ(u16(b, off + 2), 2u);
  EXPECT_EQ(u16(b, off + 4), 0x70u);
  EXPECT_EQ(u32(b, off + 6), 0xfffff000u);
  EXPECT_EQ(u32(b, off + 10), 0xfffff001u);
  EXPECT_EQ(u32(b, off + 26), 5u);  // bar_mask[5]
  EXPECT_EQ(u16(b, off + 30), 7u);  // caps_start
  EXPECT_EQ(u16(b, off + 32), 2u);  // num_caps
  EXPECT_EQ(u8(b, off + 34), 4u);   // num_msi_vectors
  EXPECT_EQ(u8(b, off + 35), 3u);   // msi_64bits | msi_maskable << 1
  EXPECT_EQ(u16(b, off + 36), 16u);
  EXPECT_EQ(u16(b, off + 38), 0x1000u);
  EXPECT_EQ(u64(b, off + 40), 0xfebf0000u);
  EXPECT_EQ(u32(b, off + 48), 2u);  // shmem_regions_start
  EXPECT_EQ(u8(b, off + 52), 1u);   // shmem_dev_id
  EXPECT_EQ(u8(b, off + 53), 2u);   // shmem_peers
  EXPECT_EQ(u16(b, off + 54), 1u);  // shmem_protocol
  off += 56;
  // pci caps, 8 bytes: id, start, len, flags (u16 each)
  EXPECT_EQ(u16(b, off), 0x05u);
  EXPECT_EQ(u16(b, off + 2), 0x50u);
  EXPECT_EQ(u16(b, off + 4), 14u);
  EXPECT_EQ(u16(b, off + 6), 1u);
  EXPECT_EQ(u16(b, off + 8), 0x8001u);
  off += 2 * 8;
  // stream ids, u32 each
  EXPECT_EQ(u32(b, off), 0x860u);
  EXPECT_EQ(u32(b, off + 4), 0x861u);
  off += 2 * 4;
  EXPECT_EQ(b.size(), off);
  EXPECT_EQ(b.size(), 132u + 16 + 2 * 32 + 12 + 32 + 2 * 4 + 56 + 2 * 8 + 2 * 4);
  EXPECT_EQ(encoded_size(c, Layout::upstream_r14), b.size());
}

TEST(JailhouseCellConfig, OmnivisorHeaderFieldsAtTheirOffsets) {
  CellConfig c = full_omnivisor_cell();
  std::string b = encode_cell_config(c, Layout::omnivisor);
  ASSERT_EQ(header_size(Layout::omnivisor), 140u);
  EXPECT_EQ(b.substr(0, 5), "JHCLL");
  EXPECT_EQ(u16(b, 6), 14u);
  EXPECT_EQ(u32(b, 40), 0x11223344u);
  EXPECT_EQ(u32(b, 48), 16u);  // cpu_set_size
  EXPECT_EQ(u32(b, 52), 8u);   // rcpu_set_size
  EXPECT_EQ(u32(b, 56), 2u);   // num_memory_regions
  EXPECT_EQ(u32(b, 60), 1u);   // num_cache_regions
  EXPECT_EQ(u32(b, 64), 1u);   // num_irqchips
  EXPECT_EQ(u32(b, 68), 2u);   // num_pio_regions
  EXPECT_EQ(u32(b, 72), 1u);   // num_pci_devices
  EXPECT_EQ(u32(b, 76), 2u);   // num_pci_caps
  EXPECT_EQ(u32(b, 80), 2u);   // num_stream_ids
  EXPECT_EQ(u32(b, 84), 2u);   // num_qos_devices
  EXPECT_EQ(u32(b, 88), 0x55667788u);
  EXPECT_EQ(u64(b, 92), 0x0102030405060708u);
  EXPECT_EQ(u64(b, 100), 0x1112131415161718u);
  EXPECT_EQ(u64(b, 108), 0x2122232425262728u);  // console.address
  EXPECT_EQ(u64(b, 132), 0x8182838485868788u);  // console.clock_reg
  EXPECT_EQ(u64(b, 140), 0xau);                 // cpus 1,3
  EXPECT_EQ(u64(b, 148), 1u);                   // cpu 64
  EXPECT_EQ(u64(b, 156), 3u);                   // rcpus 0,1
  std::size_t mem = 164;
  EXPECT_EQ(memory_region_size(Layout::omnivisor), 40u);
  EXPECT_EQ(u64(b, mem), 0x3a600000u);
  EXPECT_EQ(u64(b, mem + 32), 0xf0f0u);  // colors
  EXPECT_EQ(u64(b, mem + 40), 0x0u);     // second region's phys_start
  EXPECT_EQ(u64(b, mem + 48), 0x80000000u);
  std::size_t qos = b.size() - 2 * 20;
  EXPECT_EQ(b.substr(qos, 15), std::string("rpu0") + std::string(11, '\0'));
  EXPECT_EQ(u8(b, qos + 15), 3u);
  EXPECT_EQ(u32(b, qos + 16), 0xa42100u);
  EXPECT_EQ(b.substr(qos + 20, 15), "a-fifteen-bytes");  // no NUL needed in a full name
  EXPECT_EQ(u32(b, qos + 36), 0x45100u);
  EXPECT_EQ(u32(b, qos - 8), 0x860u);  // stream ids come just before the QoS devices
  EXPECT_EQ(b.size(), 140u + 16 + 8 + 2 * 40 + 12 + 32 + 2 * 4 + 56 + 2 * 8 + 2 * 4 + 2 * 20);
  EXPECT_EQ(encoded_size(c, Layout::omnivisor), b.size());
}

TEST(JailhouseCellConfig, UpstreamDropsOmnivisorFields) {
  CellConfig omni = full_omnivisor_cell();
  EXPECT_EQ(encode_cell_config(omni, Layout::upstream_r14), encode_cell_config(full_cell(), Layout::upstream_r14));
}

TEST(JailhouseCellConfig, NameIsCutTo31BytesAndTerminated) {
  CellConfig c = header_only();
  c.name = std::string(40, 'n');
  std::string b = encode_cell_config(c, Layout::upstream_r14);
  EXPECT_EQ(b.substr(8, 31), std::string(31, 'n'));
  EXPECT_EQ(u8(b, 39), 0u);
  EXPECT_EQ(u32(b, 40), 0x11223344u);
}

TEST(JailhouseCellConfig, RoundtripsBothLayouts) {
  for (Layout layout : {Layout::upstream_r14, Layout::omnivisor}) {
    CellConfig c = layout == Layout::omnivisor ? full_omnivisor_cell() : full_cell();
    auto back = decode_cell_config(encode_cell_config(c, layout), layout);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, c) << layout_name(layout);
  }
  CellConfig empty;
  empty.name = "x";
  auto back = decode_cell_config(encode_cell_config(empty, Layout::upstream_r14), Layout::upstream_r14);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, empty);
}

TEST(JailhouseCellConfig, DecodeRefusesShortSignatureRevisionArchitecture) {
  std::string good = encode_cell_config(full_cell(), Layout::upstream_r14);
  EXPECT_CONTAINS(error_of(decode_cell_config("", Layout::upstream_r14)), "shorter than the 132-byte header");
  EXPECT_CONTAINS(error_of(decode_cell_config(good.substr(0, 131), Layout::upstream_r14)), "131 bytes");
  std::string sig = good;
  sig[4] = 'X';
  EXPECT_CONTAINS(error_of(decode_cell_config(sig, Layout::upstream_r14)), "bad signature");
  std::string old = good;  // v0.12's "JHCELL" + revision 12
  old.replace(0, 6, "JHCELL");
  EXPECT_CONTAINS(error_of(decode_cell_config(old, Layout::upstream_r14)), "bad signature");
  std::string rev = good;
  rev[6] = 13;
  EXPECT_CONTAINS(error_of(decode_cell_config(rev, Layout::upstream_r14)), "revision 13, expected 14");
  std::string arch = good;
  arch[5] = 7;
  EXPECT_CONTAINS(error_of(decode_cell_config(arch, Layout::upstream_r14)), "unknown architecture 7");
}

TEST(JailhouseCellConfig, DecodeRefusesEveryTruncationAndTrailingBytes) {
  std::string good = encode_cell_config(full_cell(), Layout::upstream_r14);
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(decode_cell_config(good.substr(0, n), Layout::upstream_r14)) << "prefix of " << n << " bytes";
  EXPECT_CONTAINS(error_of(decode_cell_config(good + "x", Layout::upstream_r14)),
                  "add up to " + std::to_string(good.size()));
}

TEST(JailhouseCellConfig, DecodeRefusesHostileCounts) {
  std::string good = encode_cell_config(full_cell(), Layout::upstream_r14);
  std::string huge = good;
  put32(huge, 52, 0xffffffff);  // num_memory_regions
  EXPECT_CONTAINS(error_of(decode_cell_config(huge, Layout::upstream_r14)), "add up to");
  for (std::size_t off = 52; off <= 76; off += 4) {
    std::string b = good;
    put32(b, off, 0x80000000);
    EXPECT_FALSE(decode_cell_config(b, Layout::upstream_r14)) << "count at " << off;
  }
  std::string cpus = good;
  put32(cpus, 48, 0x40000000);
  EXPECT_CONTAINS(error_of(decode_cell_config(cpus, Layout::upstream_r14)), "CPU set of 1073741824 bytes");
}

TEST(JailhouseCellConfig, DecodeWithTheWrongLayoutFails) {
  std::string upstream = encode_cell_config(full_cell(), Layout::upstream_r14);
  std::string omni = encode_cell_config(full_omnivisor_cell(), Layout::omnivisor);
  EXPECT_FALSE(decode_cell_config(upstream, Layout::omnivisor));
  EXPECT_FALSE(decode_cell_config(omni, Layout::upstream_r14));
}

// Random byte flips: decode never crashes or reads out of bounds (ASan/valgrind would say),
// and whatever it accepts encodes back to the same length.
TEST(JailhouseCellConfig, DecodeSurvivesGarbledInput) {
  std::mt19937 rng(1234);
  for (Layout layout : {Layout::upstream_r14, Layout::omnivisor}) {
    std::string good = encode_cell_config(full_omnivisor_cell(), layout);
    for (int round = 0; round < 3000; ++round) {
      std::string b = good;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < flips; ++i) b[rng() % b.size()] = static_cast<char>(rng() & 0xff);
      if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
      auto r = decode_cell_config(b, layout);
      if (r) {
        EXPECT_EQ(encoded_size(*r, layout), b.size());
      }
    }
  }
}

TEST(JailhouseCellConfig, LayoutAndArchitectureNames) {
  EXPECT_EQ(*parse_layout("upstream"), Layout::upstream_r14);
  EXPECT_EQ(*parse_layout("upstream_r14"), Layout::upstream_r14);
  EXPECT_EQ(*parse_layout("omnivisor"), Layout::omnivisor);
  EXPECT_CONTAINS(error_of(parse_layout("r12")), "unknown jailhouse cell config layout \"r12\"");
  EXPECT_EQ(layout_name(Layout::omnivisor), "omnivisor");
  EXPECT_EQ(*parse_architecture("x86_64"), Architecture::x86);
  EXPECT_EQ(*parse_architecture("aarch64"), Architecture::arm64);
  EXPECT_EQ(*parse_architecture("arm"), Architecture::arm);
  EXPECT_FALSE(parse_architecture("riscv"));
  EXPECT_EQ(architecture_name(Architecture::arm64), "arm64");
}

// The demo cell tests/sim/make_cell.py also writes: both encoders must give these bytes, and
// the simulator's decoder reads them (tests/sim/selftest.sh).
CellConfig golden_demo_cell() {
  CellConfig c;
  c.name = "demo";
  c.flags = kCellPassiveCommreg;
  c.architecture = Architecture::x86;
  c.cpus = {2, 3};
  c.memory_regions = {
      {0x3a600000, 0x0, 0x00100000, kMemRead | kMemWrite | kMemExecute | kMemDma | kMemLoadable, 0},
      {0x0, 0x80000000, 0x1000, kMemRead | kMemWrite | kMemCommRegion, 0},
  };
  Irqchip ioapic;
  ioapic.address = 0xfec00000;
  ioapic.id = 0xff00;
  ioapic.pin_bitmap = {1u << 4, 0, 0, 0};
  c.irqchips = {ioapic};
  c.pio_regions = {{0x3f8, 8}};
  c.console = {0x3f8, 0, 0x0002, 0, 0, 0, 0};
  return c;
}

std::string golden_path(std::string_view name) {
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "sim/jailhouse/testdata" / name).string();
}

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<uint8_t>(bytes[i]);
    out += digits[b >> 4];
    out += digits[b & 15];
    if (i % 32 == 31) out += '\n';
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

void expect_golden(const CellConfig& cell, Layout layout, std::string_view file) {
  std::string path = golden_path(file);
  if (!path_exists(path)) GTEST_SKIP() << "no source tree next to the test (" << path << ")";
  auto golden = read_file(path);
  ASSERT_TRUE(golden) << golden.error().message;
  EXPECT_EQ(to_hex(encode_cell_config(cell, layout)), *golden) << file;
}

TEST(JailhouseCellConfig, GoldenDemoCellMatchesTheSharedFile) {
  expect_golden(golden_demo_cell(), Layout::upstream_r14, "demo-x86.cell.hex");
}

TEST(JailhouseCellConfig, GoldenOmnivisorDemoCellMatchesTheSharedFile) {
  CellConfig c = golden_demo_cell();
  c.rcpus = {1};
  expect_golden(c, Layout::omnivisor, "demo-x86-omnivisor.cell.hex");
}

}  // namespace
}  // namespace runz::backends::partition::jailhouse
