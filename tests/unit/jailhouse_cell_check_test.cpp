// Every rule of our cell checker (jailhouse-config-check's, plus cross-cell memory and CPUs),
// and that each failure names the regions or CPUs.
#include <gtest/gtest.h>

#include "backends/partition/jailhouse/cell_check.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::partition::jailhouse {
namespace {

using runz::test::error_of;

constexpr uint64_t kRam = kMemRead | kMemWrite | kMemExecute | kMemDma | kMemLoadable;

CellConfig good_cell() {
  CellConfig c;
  c.name = "web";
  c.cpus = {2, 3};
  c.memory_regions = {
      {0x3a600000, 0x0, 0x100000, kRam, 0},
      {0x0, 0x80000000, 0x1000, kMemRead | kMemWrite | kMemCommRegion, 0},
      {0xfe000000, 0xfe000000, 0x8, kMemRead | kMemWrite | kMemIo, 0},  // a sub-page MMIO UART
  };
  return c;
}

CheckContext context() {
  CheckContext ctx;
  ctx.architecture = Architecture::x86;
  ctx.hypervisor_memory = {0x3a000000, 0x600000, "hypervisor memory"};
  ctx.free_cpus = {1, 2, 3};
  return ctx;
}

std::string check_error(const CellConfig& c, const CheckContext& ctx = context()) {
  return error_of(check_cell(c, ctx));
}

TEST(JailhouseCellCheck, AGoodCellPasses) { EXPECT_EQ(check_error(good_cell()), ""); }

TEST(JailhouseCellCheck, NameMustBe1To31Bytes) {
  CellConfig c = good_cell();
  c.name = "";
  EXPECT_CONTAINS(check_error(c), "the name is empty");
  c.name = std::string(32, 'a');
  EXPECT_CONTAINS(check_error(c), "the name is 32 bytes long (at most 31)");
  c.name = std::string(31, 'a');
  EXPECT_EQ(check_error(c), "");
  c.name = std::string("a\0b", 3);
  EXPECT_CONTAINS(check_error(c), "NUL");
}

TEST(JailhouseCellCheck, CpusMustBeNonEmpty) {
  CellConfig c = good_cell();
  c.cpus.clear();
  EXPECT_EQ(check_error(c), "cell \"web\": no CPUs");
}

TEST(JailhouseCellCheck, CpusMustBeFree) {
  CellConfig c = good_cell();
  c.cpus = {3, 4, 5};
  EXPECT_EQ(check_error(c), "cell \"web\": CPUs 4-5 are not free (free: 1-3)");
  c.cpus = {2, 7};
  EXPECT_EQ(check_error(c), "cell \"web\": CPU 7 is not free (free: 1-3)");
  CheckContext none = context();
  none.free_cpus.clear();
  EXPECT_EQ(check_error(good_cell(), none), "cell \"web\": CPUs 2-3 are not free (free: none)");
}

TEST(JailhouseCellCheck, CpuZeroNeverOnX86EvenWhenListedFree) {
  CellConfig c = good_cell();
  c.cpus = {0, 1};
  CheckContext ctx = context();
  ctx.free_cpus = {0, 1, 2, 3};
  EXPECT_EQ(check_error(c, ctx), "cell \"web\": CPU 0 cannot be given to a cell on x86");
  ctx.architecture = Architecture::arm64;
  EXPECT_EQ(check_error(c, ctx), "");
}

TEST(JailhouseCellCheck, RegionsOfTheCellMustNotOverlapPhysically) {
  CellConfig c = good_cell();
  c.memory_regions.push_back({0x3a6ff000, 0x200000, 0x2000, kRam, 0});
  EXPECT_EQ(check_error(c),
            "cell \"web\": region 3 (phys 0x3a6ff000-0x3a700fff) overlaps region 0 (phys 0x3a600000-0x3a6fffff) "
            "physically");
}

TEST(JailhouseCellCheck, RegionsOfTheCellMustNotOverlapVirtually) {
  CellConfig c = good_cell();
  c.memory_regions.push_back({0x3b000000, 0x80000, 0x1000, kRam, 0});
  EXPECT_EQ(check_error(c),
            "cell \"web\": region 3 (virt 0x80000-0x80fff) overlaps region 0 (virt 0x0-0xfffff) virtually");
}

TEST(JailhouseCellCheck, AdjacentAndZeroSizeRegionsAreFine) {
  CellConfig c = good_cell();
  c.memory_regions.push_back({0x3a700000, 0x100000, 0x1000, kRam, 0});  // right after region 0
  c.memory_regions.push_back({0x3a600000, 0x0, 0, 0, 0});               // zero-size ({ 0 } filler)
  EXPECT_EQ(check_error(c), "");
}

TEST(JailhouseCellCheck, TheCommRegionHasNoPhysicalAddress) {
  CellConfig c = good_cell();
  // RAM at physical 0: the comm region's phys_start 0 must not count as an overlap...
  c.memory_regions[0].phys_start = 0x0;
  CheckContext ctx = context();
  EXPECT_EQ(check_error(c, ctx), "");
  // ...but its virtual address does.
  c.memory_regions.push_back({0x3b000000, 0x7ffff000, 0x2000, kRam, 0});
  EXPECT_CONTAINS(check_error(c, ctx), "region 3 (virt 0x7ffff000-0x80000fff) overlaps region 1 (virt "
                                       "0x80000000-0x80000fff) virtually");
}

TEST(JailhouseCellCheck, RegionsMustNotWrap) {
  CellConfig c = good_cell();
  c.memory_regions.push_back({0xfffffffffffff000, 0x90000000, 0x2000, kRam, 0});
  EXPECT_CONTAINS(check_error(c), "region 3 (phys 0xfffffffffffff000, virt 0x90000000, size 0x2000) wraps around");
}

TEST(JailhouseCellCheck, RegionsMustBePageAlignedUnlessIo) {
  CellConfig c = good_cell();
  c.memory_regions[0].size = 0x100800;
  EXPECT_EQ(check_error(c), "cell \"web\": region 0 (phys 0x3a600000, virt 0x0, size 0x100800) is not 4 KiB-aligned "
                            "and not an IO region");
  c = good_cell();
  c.memory_regions[0].virt_start = 0x10;
  EXPECT_CONTAINS(check_error(c), "region 0 (phys 0x3a600000, virt 0x10, size 0x100000) is not 4 KiB-aligned");
  // good_cell's region 2 is an 8-byte MMIO UART: allowed.
}

TEST(JailhouseCellCheck, NoOverlapWithHypervisorMemory) {
  CellConfig c = good_cell();
  c.memory_regions[0].phys_start = 0x3a5ff000;  // 4 KiB into the hypervisor
  EXPECT_EQ(check_error(c),
            "cell \"web\": region 0 (phys 0x3a5ff000-0x3a6fefff) overlaps hypervisor memory (0x3a000000-0x3a5fffff)");
}

TEST(JailhouseCellCheck, NoOverlapWithX86InterruptControllers) {
  CellConfig c = good_cell();
  c.memory_regions.push_back({0xfec00000, 0xfec00000, 0x1000, kMemRead | kMemWrite | kMemIo, 0});
  EXPECT_EQ(check_error(c), "cell \"web\": region 3 (phys 0xfec00000-0xfec00fff) overlaps IOAPIC (0xfec00000-0xfec00fff)");
  c.memory_regions.back() = {0xfee00000, 0xfee00000, 0x1000, kMemRead | kMemWrite | kMemIo, 0};
  EXPECT_CONTAINS(check_error(c), "overlaps xAPIC (0xfee00000-0xfee00fff)");
  CheckContext arm = context();
  arm.architecture = Architecture::arm64;
  EXPECT_EQ(check_error(c, arm), "");  // no APICs on arm64
}

TEST(JailhouseCellCheck, NoOverlapWithPciMmconfigOrOtherReservedRanges) {
  CellConfig c = good_cell();
  c.memory_regions.push_back({0xe0000000, 0xe0000000, 0x100000, kMemRead | kMemWrite | kMemIo, 0});
  CheckContext ctx = context();
  EXPECT_EQ(check_error(c, ctx), "");
  ctx.pci_mmconfig = AddressRange{0xe0000000, 0x10000000, "PCI MMCONFIG"};
  EXPECT_CONTAINS(check_error(c, ctx), "region 3 (phys 0xe0000000-0xe00fffff) overlaps PCI MMCONFIG (0xe0000000-0xefffffff)");
  ctx.pci_mmconfig.reset();
  ctx.reserved.push_back({0xe0080000, 0x1000, "GIC distributor"});
  EXPECT_CONTAINS(check_error(c, ctx), "overlaps GIC distributor (0xe0080000-0xe0080fff)");
  ASSERT_EQ(reserved_ranges(ctx).size(), 3u);
  EXPECT_EQ(reserved_ranges(ctx)[2].what, "GIC distributor");
}

TEST(JailhouseCellCheck, NoOverlapWithAnotherRunzCell) {
  CellConfig other = good_cell();
  other.name = "db";
  other.memory_regions[0].phys_start = 0x3a680000;
  other.memory_regions.pop_back();  // db has no UART
  CheckContext ctx = context();
  ctx.other_cells.push_back(other_cell_from(other));
  EXPECT_EQ(check_error(good_cell(), ctx),
            "cell \"web\": region 0 (phys 0x3a600000-0x3a6fffff) overlaps region 0 (phys 0x3a680000-0x3a77ffff) of "
            "cell \"db\"");
  ctx.other_cells[0].memory_regions[0].phys_start = 0x3a700000;  // adjacent
  EXPECT_EQ(check_error(good_cell(), ctx), "");
}

// ivshmem regions are shared by design: two cells name the same physical pages.
CellConfig with_ivshmem(std::string name, uint8_t dev_id) {
  CellConfig c = good_cell();
  c.name = std::move(name);
  uint32_t first = static_cast<uint32_t>(c.memory_regions.size());
  c.memory_regions.push_back({0x3f000000, 0x3f000000, 0x1000, kMemRead | kMemRootShared, 0});
  c.memory_regions.push_back({0, 0, 0, 0, 0});
  c.memory_regions.push_back({0x3f001000, 0x3f001000, 0x7f000, kMemRead | kMemWrite | kMemRootShared, 0});
  c.memory_regions.push_back({0x3f080000, 0x3f080000, 0x7f000, kMemRead | kMemRootShared, 0});
  PciDevice dev;
  dev.type = kPciTypeIvshmem;
  dev.shmem_regions_start = first;
  dev.shmem_dev_id = dev_id;
  dev.shmem_peers = 2;
  c.pci_devices.push_back(dev);
  return c;
}

TEST(JailhouseCellCheck, IvshmemAndCommRegionsAreLeftToTheirAllocator) {
  CellConfig a = with_ivshmem("a", 0);
  CellConfig b = with_ivshmem("b", 1);
  b.memory_regions[0].phys_start = 0x3b000000;  // b's RAM elsewhere
  EXPECT_TRUE(is_shared_or_virtual_only(a, 1));   // comm region
  EXPECT_TRUE(is_shared_or_virtual_only(a, 3));   // first ivshmem region
  EXPECT_TRUE(is_shared_or_virtual_only(a, 6));   // last (2 + 2 peers)
  EXPECT_FALSE(is_shared_or_virtual_only(a, 0));  // RAM
  EXPECT_FALSE(is_shared_or_virtual_only(a, 7));  // out of range
  OtherCell other = other_cell_from(a);
  EXPECT_EQ(other.memory_regions.size(), 2u);  // RAM and the UART
  CheckContext ctx = context();
  ctx.other_cells.push_back(other);
  // b shares the UART page with a: that is a real overlap the allocator must not produce.
  EXPECT_CONTAINS(check_error(b, ctx), "region 2 (phys 0xfe000000-0xfe000007) overlaps region 1 (phys 0xfe000000-0xfe000007) of cell \"a\"");
  b.memory_regions.erase(b.memory_regions.begin() + 2);
  b.pci_devices[0].shmem_regions_start = 2;
  EXPECT_EQ(check_error(b, ctx), "");
}

TEST(JailhouseCellCheck, CpuListFormat) {
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(format_cpu_list({0}), "0");
  EXPECT_EQ(format_cpu_list({0, 2, 3}), "0,2-3");
  EXPECT_EQ(format_cpu_list({1, 2, 3, 5, 7, 8}), "1-3,5,7-8");
}

}  // namespace
}  // namespace runz::backends::partition::jailhouse
