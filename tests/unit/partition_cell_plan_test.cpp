// The cell a partition container gets: names derived from ids, the plan's regions and
// devices, and that every plan passes our own checker next to other runz cells; the
// remoteproc allocation (a core only); the tool runner's error lines.
#include <gtest/gtest.h>

#include "backends/partition/allocator.hpp"
#include "backends/partition/jailhouse/cell_plan.hpp"
#include "backends/run_tool.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::partition::jailhouse {
namespace {

using test::TempDir;

constexpr const char* kPlatform = R"([partition]
backend = "jailhouse"
arch = "x86"
cpus = "1-3"
hypervisor_memory = { start = 0x3a000000, size = 0x600000 }
ivshmem = { base = 0x3f000000, slots = 2 }
[[partition.memory_pool]]
name = "main"
start = 0x40000000
size = 0x10000000
[[partition.device]]
name = "com2"
type = "uart"
address = 0x2f8
size = 8
pio = true
irq = 3
[[partition.device]]
name = "ioapic"
type = "irqchip"
address = 0xfec00000
size = 0x1000
pin_base = 0
)";

PartitionPlatform platform(const char* text = kPlatform) {
  auto p = parse_partition_platform(text, "runz.toml");
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

TEST(PartitionCellName, ShortIdsAreTheirOwnName) {
  EXPECT_EQ(cell_name_for("web-1"), "web-1");
  std::string id31(31, 'a');
  EXPECT_EQ(cell_name_for(id31), id31);
}

TEST(PartitionCellName, LongIdsKeepAPrefixAndAHash) {
  std::string a(64, 'a'), b = a;
  b.back() = 'b';
  EXPECT_EQ(cell_name_for(a).size(), kCellNameMax);
  EXPECT_EQ(cell_name_for(a).substr(0, 22), a.substr(0, 22));
  EXPECT_EQ(cell_name_for(a), cell_name_for(a));  // stable
  EXPECT_NE(cell_name_for(a), cell_name_for(b));  // distinct
  // the value the integration tests compute independently (FNV-1a)
  EXPECT_EQ(cell_name_for("abcdefghijklmnopqrstuvwxyz0123456789"), "abcdefghijklmnopqrstuv-" +
            [] {
              uint32_t h = 2166136261u;
              for (unsigned char c : std::string("abcdefghijklmnopqrstuvwxyz0123456789")) h = (h ^ c) * 16777619u;
              char buf[16];
              std::snprintf(buf, sizeof buf, "%08x", h);
              return std::string(buf);
            }());
}

Allocation allocation(const std::string& id, CpuSet cpus, uint64_t start, std::optional<CommRegion> comm = {}) {
  Allocation a;
  a.container_id = id;
  a.cpus = std::move(cpus);
  a.memory = {"main", {start, 64ull << 20}};
  a.ivshmem = comm;
  return a;
}

TEST(PartitionCellPlan, RamCommRegionAndCpus) {
  BootConfig boot;
  auto cell = plan_cell("c1", allocation("c1", {1}, 0x40000000), platform(), boot);
  EXPECT_EQ(cell.name, "c1");
  EXPECT_EQ(cell.cpus, (std::set<unsigned>{1}));
  ASSERT_EQ(cell.memory_regions.size(), 2u);
  EXPECT_EQ(cell.memory_regions[0], (MemoryRegion{0x40000000, 0, 64ull << 20, kMemRead | kMemWrite | kMemExecute | kMemLoadable, 0}));
  // x86 inmates expect the comm region at 0x100000, inside this RAM: it goes after RAM
  EXPECT_EQ(cell.memory_regions[1].virt_start, 64ull << 20);
  EXPECT_EQ(cell.memory_regions[1].flags & kMemCommRegion, kMemCommRegion);
}

TEST(PartitionCellPlan, StartingAddressMovesRam) {
  BootConfig boot;
  boot.starting_vaddress = 0x200000;
  auto cell = plan_cell("c1", allocation("c1", {1}, 0x40000000), platform(), boot);
  EXPECT_EQ(cell.memory_regions[0].virt_start, 0x200000u);
  EXPECT_EQ(cell.memory_regions[1].virt_start, 0x100000u);  // below RAM: the inmate library's address
  EXPECT_EQ(cell.cpu_reset_address, 0x200000u);
}

TEST(PartitionCellPlan, DevicesAndIvshmem) {
  Allocation a = allocation("c1", {2}, 0x40000000, CommRegion{1, {0x3f100000, 0x100000}});
  a.devices = {"com2", "ioapic"};
  auto cell = plan_cell("c1", a, platform(), BootConfig{});
  ASSERT_EQ(cell.pio_regions.size(), 1u);
  EXPECT_EQ(cell.pio_regions[0], (PioRegion{0x2f8, 8}));
  ASSERT_EQ(cell.irqchips.size(), 1u);
  EXPECT_EQ(cell.irqchips[0].address, 0xfec00000u);
  EXPECT_EQ(cell.irqchips[0].pin_bitmap[0], 1u << 3);  // the uart's irq
  ASSERT_EQ(cell.pci_devices.size(), 1u);
  const PciDevice& iv = cell.pci_devices[0];
  EXPECT_EQ(iv.type, kPciTypeIvshmem);
  EXPECT_EQ(iv.bdf, 0x0e << 3);
  ASSERT_EQ(cell.memory_regions.size(), iv.shmem_regions_start + 2u + iv.shmem_peers);
  for (size_t i = iv.shmem_regions_start; i < cell.memory_regions.size(); ++i) {
    const auto& r = cell.memory_regions[i];
    EXPECT_GE(r.phys_start, 0x3f100000u);
    EXPECT_LE(r.phys_start + r.size, 0x3f200000u);
  }
}

TEST(PartitionCellPlan, PlansPassTheCheckerSideBySide) {
  PartitionPlatform p = platform();
  Allocation a1 = allocation("c1", {1}, 0x40000000, CommRegion{0, {0x3f000000, 0x100000}});
  Allocation a2 = allocation("c2", {2}, 0x44000000, CommRegion{1, {0x3f100000, 0x100000}});
  a2.devices = {"com2"};
  auto c1 = plan_cell("c1", a1, p, BootConfig{});
  auto c2 = plan_cell("c2", a2, p, BootConfig{});
  auto r1 = check_cell(c1, check_context(p, {}, {0, 1, 2, 3}));
  EXPECT_TRUE(r1) << r1.error().message;
  auto r2 = check_cell(c2, check_context(p, {a1}, {0, 2, 3}));
  EXPECT_TRUE(r2) << r2.error().message;
  // the same memory as a running cell is refused
  Allocation clash = allocation("c3", {3}, 0x40000000);
  auto r3 = check_cell(plan_cell("c3", clash, p, BootConfig{}), check_context(p, {a1}, {0, 3}));
  ASSERT_FALSE(r3);
  EXPECT_NE(r3.error().message.find("c1"), std::string::npos) << r3.error().message;
  // a CPU the root cell no longer has is refused
  EXPECT_FALSE(check_cell(c2, check_context(p, {a1}, {0, 3})));
}

TEST(PartitionCellPlan, LayoutAndArchitectureFollowThePlatform) {
  EXPECT_EQ(architecture_of(Arch::arm64), Architecture::arm64);
  EXPECT_EQ(layout_of(CellLayout::omnivisor), Layout::omnivisor);
  auto cell = plan_cell("c1", allocation("c1", {1}, 0x40000000), platform(), BootConfig{});
  auto bytes = encode_cell_config(cell, Layout::upstream_r14);
  auto back = decode_cell_config(bytes, Layout::upstream_r14);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->memory_regions, cell.memory_regions);
}

TEST(PartitionRemoteprocAllocation, HoldsOnlyTheCore) {
  TempDir dir;
  auto p = parse_partition_platform(R"([partition]
backend = "remoteproc"
[[partition.rproc]]
name = "r5-0"
remoteproc = "remoteproc0"
)", "runz.toml");
  ASSERT_TRUE(p) << p.error().message;
  auto alloc = Allocator::open(dir.path() + "/alloc.json", *p);
  ASSERT_TRUE(alloc) << alloc.error().message;
  PartitionRequest req;
  req.rpu = "any";
  auto a = alloc->allocate("x", req);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->rpu, "r5-0");
  EXPECT_TRUE(a->cpus.empty());
  auto b = alloc->allocate("y", req);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("all are held"), std::string::npos) << b.error().message;
  PartitionRequest none;
  EXPECT_FALSE(alloc->allocate("z", none));
}

TEST(PartitionRunTool, ErrorsNameTheCommandAndTheToolsLastLine) {
  auto ok = run_tool({"/bin/sh", "-c", "echo out"}, "sh");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, "out\n");
  auto bad = run_tool({"/bin/sh", "-c", "echo noise; echo 'JAILHOUSE_CELL_CREATE: Device or resource busy' >&2; exit 1"},
                      "jailhouse");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "jailhouse -c echo noise; echo 'JAILHOUSE_CELL_CREATE: Device or resource busy' >&2; exit 1: "
            "JAILHOUSE_CELL_CREATE: Device or resource busy");
  auto silent = run_tool({"/bin/sh", "-c", "exit 3"}, "sh");
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().message, "sh -c exit 3: exit status 3");
  auto missing = run_tool({"/nonexistent/jailhouse", "cell", "list"}, "jailhouse");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("exec /nonexistent/jailhouse: No such file"), std::string::npos);
}

}  // namespace
}  // namespace runz::backends::partition::jailhouse
