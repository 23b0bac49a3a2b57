// [partition] of runz.toml: the full example of docs/partition.md, defaults, and every
// validation error with the line it names.
#include <gtest/gtest.h>

#include "backends/partition/platform.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::backends::partition {
namespace {

using test::error_of;

constexpr const char* kFullExample = R"(# /etc/runz/runz.toml
[partition]
backend = "jailhouse"
jailhouse = "/usr/local/sbin/jailhouse"
sysfs = "/sys/devices/jailhouse"
arch = "x86"
cell_layout = "upstream-r14"
cpus = "1-3"
root_cell_cpus = "0-3"
hypervisor_memory = { start = 0x3a000000, size = 0x600000 }
ivshmem = { base = 0x3f000000, slots = 4 }
console = "device:com2"
remoteproc_sysfs = "/sys/class/remoteproc"
firmware_dir = "/lib/firmware"

[[partition.memory_pool]]
name = "low"
start = 0x3b000000
size = 0x4000000
align = 0x200000

[[partition.memory_pool]]
name = "high"
start = 0x100000000
size = 0x40000000

[[partition.device]]
name = "com2"
type = "uart"
address = 0x2f8
size = 8
pio = true
irq = 3

[[partition.device]]
name = "ivshmem-net"
type = "ivshmem"
bdf = "00:0e.0"

[[partition.device]]
name = "ioapic"
type = "irqchip"
address = 0xfec00000
size = 0x1000
pin_base = 0
irq = [3, 4]

[[partition.device]]
name = "nic"
type = "pci"
bdf = "00:1f.6"
address = 0xfe000000
size = 0x20000

[[partition.rproc]]
name = "r5-0"
remoteproc = "remoteproc0"
rpmsg_ctrl = "/dev/rpmsg_ctrl0"
)";

Result<PartitionPlatform> parse(std::string_view text) { return parse_partition_platform(text, "/etc/runz/runz.toml"); }
std::string error_for(std::string_view text) { return error_of(parse(text)); }

TEST(PartitionPlatform, FullExample) {
  auto p = parse(kFullExample);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->enabled());
  EXPECT_EQ(p->backend, BackendKind::jailhouse);
  EXPECT_EQ(p->jailhouse, "/usr/local/sbin/jailhouse");
  EXPECT_EQ(p->arch, Arch::x86);
  EXPECT_EQ(p->cell_layout, CellLayout::upstream_r14);
  EXPECT_EQ(p->cpus, (CpuSet{1, 2, 3}));
  EXPECT_EQ(p->root_cell_cpus, (CpuSet{0, 1, 2, 3}));
  ASSERT_TRUE(p->hypervisor_memory);
  EXPECT_EQ(p->hypervisor_memory->start, 0x3a000000u);
  EXPECT_EQ(p->hypervisor_memory->size, 0x600000u);
  ASSERT_TRUE(p->ivshmem);
  EXPECT_EQ(p->ivshmem->base, 0x3f000000u);
  EXPECT_EQ(p->ivshmem->slots, 4u);
  EXPECT_EQ(p->ivshmem->slot_size, 0x100000u);
  ASSERT_EQ(p->memory_pools.size(), 2u);
  EXPECT_EQ(p->memory_pools[0].name, "low");
  EXPECT_EQ(p->memory_pools[1].range.start, 0x100000000u);
  EXPECT_EQ(p->memory_pools[1].align, 0x200000u);  // the default
  ASSERT_EQ(p->devices.size(), 4u);
  const Device* com2 = p->find_device("com2");
  ASSERT_TRUE(com2);
  EXPECT_EQ(com2->type, DeviceType::uart);
  EXPECT_TRUE(com2->pio);
  EXPECT_EQ(com2->address, 0x2f8u);
  EXPECT_EQ(com2->irqs, std::vector<uint32_t>{3});
  EXPECT_EQ(com2->uart_type, "8250");
  EXPECT_EQ(p->find_device("ivshmem-net")->bdf, 0x0070);  // 00:0e.0
  EXPECT_EQ(p->find_device("nic")->bdf, 0x00fe);          // 00:1f.6
  EXPECT_EQ(p->find_device("ioapic")->pin_base, 0u);
  EXPECT_EQ(p->find_device("ioapic")->irqs, (std::vector<uint32_t>{3, 4}));
  EXPECT_FALSE(p->find_device("nope"));
  ASSERT_EQ(p->rprocs.size(), 1u);
  EXPECT_EQ(p->find_rproc("r5-0")->remoteproc, "remoteproc0");
  EXPECT_EQ(p->find_rproc("r5-0")->rpmsg_ctrl, "/dev/rpmsg_ctrl0");
  EXPECT_EQ(p->console.kind, Console::Kind::device);
  EXPECT_EQ(p->console.device, "com2");
}

// The example in docs/partition.md parses, so the page cannot drift from the code.
TEST(PartitionPlatform, DocsExampleParses) {
  std::string here = __FILE__;
  std::string docs = here.substr(0, here.rfind("tests/unit/")) + "docs/partition.md";
  auto page = read_file(docs);
  if (!page) GTEST_SKIP() << "no " << docs;
  auto begin = page->find("```toml\n");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  auto end = page->find("```", begin);
  auto p = parse(page->substr(begin, end - begin));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->devices.size(), 4u);
  EXPECT_EQ(p->memory_pools.size(), 2u);
  EXPECT_EQ(p->console.device, "com2");
}

TEST(PartitionPlatform, NoTableIsDisabled) {
  auto p = parse("[vm]\nqemu = \"/usr/bin/qemu-system-x86_64\"\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_FALSE(p->enabled());
  EXPECT_TRUE(parse(""));
}

TEST(PartitionPlatform, Defaults) {
  auto p = parse("[partition]\nbackend = \"jailhouse\"\narch = \"arm64\"\ncpus = \"2-3\"\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->jailhouse, "/usr/sbin/jailhouse");
  EXPECT_EQ(p->sysfs, "/sys/devices/jailhouse");
  EXPECT_EQ(p->remoteproc_sysfs, "/sys/class/remoteproc");
  EXPECT_EQ(p->firmware_dir, "/lib/firmware");
  EXPECT_EQ(p->cell_layout, CellLayout::upstream_r14);
  EXPECT_EQ(p->root_cell_cpus, (CpuSet{0, 2, 3}));
  EXPECT_EQ(p->console.kind, Console::Kind::jailhouse);
  EXPECT_FALSE(p->ivshmem);
  EXPECT_FALSE(p->hypervisor_memory);
}

TEST(PartitionPlatform, RemoteprocOnly) {
  auto p = parse("[partition]\nbackend = \"remoteproc\"\n[[partition.rproc]]\nname = \"r5\"\nremoteproc = \"remoteproc1\"\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->backend, BackendKind::remoteproc);
  EXPECT_EQ(p->console.kind, Console::Kind::none);
  EXPECT_EQ(error_for("[partition]\nbackend = \"remoteproc\"\n"),
            "/etc/runz/runz.toml:1: backend = \"remoteproc\" needs at least one [[partition.rproc]]");
  EXPECT_EQ(error_for("[partition]\nbackend = \"remoteproc\"\nconsole = \"jailhouse\"\n[[partition.rproc]]\nname = \"r5\"\nremoteproc = \"remoteproc1\"\n"),
            "/etc/runz/runz.toml:3: partition.console: \"jailhouse\" needs backend = \"jailhouse\"");
  EXPECT_EQ(error_for("[partition]\nbackend = \"remoteproc\"\n[[partition.rproc]]\nname = \"r5\"\nremoteproc = \"../x\"\n"),
            "/etc/runz/runz.toml:5: partition.rproc[0].remoteproc: \"../x\" is not a sysfs entry name (\"remoteproc0\")");
}

constexpr const char* kHead = "[partition]\nbackend = \"jailhouse\"\ncpus = \"1-3\"\n";  // lines 1-3

std::string with_head(std::string_view rest) { return kHead + std::string(rest); }

TEST(PartitionPlatform, SyntaxErrorsCarryTheLine) {
  EXPECT_CONTAINS(error_for("[partition]\nbackend = \"jailhouse\n"), "/etc/runz/runz.toml:2: ");
  EXPECT_EQ(error_for("partition = 3\n"), "/etc/runz/runz.toml:1: partition: expected a table");
}

TEST(PartitionPlatform, UnknownKeysAndValues) {
  EXPECT_CONTAINS(error_for(with_head("cpu = \"1\"\n")), "/etc/runz/runz.toml:4: unknown key partition.cpu (known: backend,");
  EXPECT_EQ(error_for("[partition]\nbackend = \"xen\"\n"),
            "/etc/runz/runz.toml:2: partition.backend: \"xen\" is not one of \"jailhouse\", \"remoteproc\"");
  EXPECT_EQ(error_for("[partition]\ncpus = \"1\"\n"),
            "/etc/runz/runz.toml:1: partition.backend is required (\"jailhouse\" or \"remoteproc\")");
  EXPECT_EQ(error_for("[partition]\nbackend = 1\n"), "/etc/runz/runz.toml:2: partition.backend: expected a string, got an integer");
  EXPECT_CONTAINS(error_for(with_head("arch = \"riscv\"\n")), ":4: partition.arch: \"riscv\" is not one of \"x86\", \"arm64\", \"arm\"");
  EXPECT_CONTAINS(error_for(with_head("cell_layout = \"r13\"\n")), ":4: partition.cell_layout: \"r13\" is not one of");
  EXPECT_EQ(error_for(with_head("jailhouse = \"jailhouse\"\n")),
            "/etc/runz/runz.toml:4: partition.jailhouse: \"jailhouse\" is not an absolute path");
  EXPECT_EQ(error_for(with_head("hypervisor_memory = { start = 0x3a000000, size = 0x600000, end = 1 }\n")).substr(0, 23),
            "/etc/runz/runz.toml:4: ");
  EXPECT_CONTAINS(error_for(with_head("hypervisor_memory = { start = 0x3a000000, size = 0x600000, end = 1 }\n")),
                  "unknown key partition.hypervisor_memory.end");
  EXPECT_CONTAINS(error_for(with_head("\n[[partition.memory_pool]]\nname = \"a\"\nstart = 0\nsize = 0x1000\nalign_to = 4\n")),
                  ":9: unknown key partition.memory_pool[0].align_to (known: name, start, size, align)");
}

TEST(PartitionPlatform, CpuLists) {
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\n"),
            "/etc/runz/runz.toml:1: partition.cpus is required with backend = \"jailhouse\" (the CPUs cells may take, like \"1-3\")");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\ncpus = \"1-x\"\n"),
            "/etc/runz/runz.toml:3: partition.cpus: bad CPU list \"1-x\": \"x\" is not a CPU number");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\ncpus = \"3-1\"\n"),
            "/etc/runz/runz.toml:3: partition.cpus: bad CPU list \"3-1\": range \"3-1\" goes down");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\ncpus = \"0-3\"\narch = \"x86\"\n"),
            "/etc/runz/runz.toml:3: partition.cpus: CPU 0 cannot leave the root cell on x86");
  EXPECT_TRUE(parse("[partition]\nbackend = \"jailhouse\"\ncpus = \"0-3\"\narch = \"arm64\"\n"));
  EXPECT_EQ(error_for(with_head("root_cell_cpus = \"0-2\"\n")),
            "/etc/runz/runz.toml:3: partition.cpus: CPUs 3 are not in root_cell_cpus (0-2)");
  EXPECT_CONTAINS(error_for(with_head("root_cell_cpus = \"\"\n")), ":4: partition.root_cell_cpus: bad CPU list \"\": empty");
}

TEST(PartitionPlatform, OverlappingPools) {
  std::string text = with_head(R"(hypervisor_memory = { start = 0x3a000000, size = 0x600000 }
[[partition.memory_pool]]
name = "a"
start = 0x40000000
size = 0x10000000
[[partition.memory_pool]]
name = "b"
start = 0x48000000
size = 0x10000000
)");
  EXPECT_EQ(error_for(text), "/etc/runz/runz.toml:9: memory pool \"b\" (0x48000000-0x57ffffff) overlaps memory pool \"a\" (0x40000000-0x4fffffff)");
  std::string hv = with_head(R"(hypervisor_memory = { start = 0x3a000000, size = 0x600000 }
[[partition.memory_pool]]
name = "a"
start = 0x3a400000
size = 0x400000
)");
  EXPECT_EQ(error_for(hv), "/etc/runz/runz.toml:5: memory pool \"a\" (0x3a400000-0x3a7fffff) overlaps hypervisor memory (0x3a000000-0x3a5fffff)");
  std::string iv = with_head(R"(ivshmem = { base = 0x40000000, slots = 2 }
[[partition.memory_pool]]
name = "a"
start = 0x40100000
size = 0x400000
)");
  EXPECT_CONTAINS(error_for(iv), "/etc/runz/runz.toml:5: memory pool \"a\" (0x40100000-0x404fffff) overlaps the ivshmem window (0x40000000-0x401fffff)");
  std::string dev = with_head(R"([[partition.memory_pool]]
name = "a"
start = 0x40000000
size = 0x400000
[[partition.device]]
name = "uart0"
type = "uart"
address = 0x40001000
size = 0x1000
)");
  EXPECT_CONTAINS(error_for(dev), ":8: device \"uart0\" (0x40001000-0x40001fff) overlaps memory pool \"a\"");
}

TEST(PartitionPlatform, PoolFields) {
  auto pool = [](std::string_view body) { return with_head("[[partition.memory_pool]]\n" + std::string(body)); };
  EXPECT_EQ(error_for(pool("start = 0\nsize = 0x1000\n")), "/etc/runz/runz.toml:4: partition.memory_pool[0].name: required");
  EXPECT_EQ(error_for(pool("name = \"a\"\nsize = 0x1000\n")), "/etc/runz/runz.toml:4: partition.memory_pool[0].start: required");
  EXPECT_EQ(error_for(pool("name = \"a\"\nstart = 0x1000\nsize = 0\n")), "/etc/runz/runz.toml:7: partition.memory_pool[0].size: must not be zero");
  EXPECT_EQ(error_for(pool("name = \"a\"\nstart = 0x1001\nsize = 0x1000\n")),
            "/etc/runz/runz.toml:6: partition.memory_pool[0].start: 0x1001 is not aligned to 4 KiB");
  EXPECT_EQ(error_for(pool("name = \"a\"\nstart = -4096\nsize = 0x1000\n")),
            "/etc/runz/runz.toml:6: partition.memory_pool[0].start: must not be negative");
  EXPECT_EQ(error_for(pool("name = \"a\"\nstart = \"0x1000\"\nsize = 0x1000\n")),
            "/etc/runz/runz.toml:6: partition.memory_pool[0].start: expected an integer, got a string");
  EXPECT_EQ(error_for(pool("name = \"a\"\nstart = 0x1000\nsize = 0x1000\nalign = 0x3000\n")),
            "/etc/runz/runz.toml:8: partition.memory_pool[0].align: 0x3000 is not a power of two of at least 4 KiB");
  EXPECT_EQ(error_for(pool("name = \"a\"\nstart = 0x1000\nsize = 0x1000\n[[partition.memory_pool]]\nname = \"a\"\nstart = 0x2000\nsize = 0x1000\n")),
            "/etc/runz/runz.toml:9: partition.memory_pool[1].name: memory pool \"a\" is declared twice (first at line 4)");
  EXPECT_CONTAINS(error_for(with_head("memory_pool = 3\n")), ":4: partition.memory_pool: expected an array of tables");
}

TEST(PartitionPlatform, DeviceFields) {
  auto dev = [](std::string_view body) { return with_head("[[partition.device]]\nname = \"d\"\n" + std::string(body)); };
  EXPECT_EQ(error_for(dev("type = \"gpu\"\n")),
            "/etc/runz/runz.toml:6: partition.device[0].type: \"gpu\" is not one of \"uart\", \"ivshmem\", \"irqchip\", \"pci\"");
  EXPECT_EQ(error_for(dev("address = 1\n")), "/etc/runz/runz.toml:4: partition.device[0].type: required");
  EXPECT_EQ(error_for(dev("type = \"uart\"\n")), "/etc/runz/runz.toml:4: partition.device[0].address: required for uart devices");
  EXPECT_EQ(error_for(dev("type = \"pci\"\n")),
            "/etc/runz/runz.toml:4: partition.device[0].bdf: required for pci devices (\"00:0e.0\")");
  EXPECT_EQ(error_for(dev("type = \"ivshmem\"\nbdf = \"00:40.0\"\n")),
            "/etc/runz/runz.toml:7: partition.device[0].bdf: \"00:40.0\" is not bus:device.function (\"00:0e.0\")");
  EXPECT_EQ(error_for(dev("type = \"uart\"\naddress = 0x3f8\nbdf = \"00:01.0\"\n")),
            "/etc/runz/runz.toml:8: partition.device[0].bdf: not a key of uart devices");
  EXPECT_EQ(error_for(dev("type = \"irqchip\"\naddress = 0xfec00000\n")),
            "/etc/runz/runz.toml:4: partition.device[0].pin_base: required for irqchip devices");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\narch = \"arm64\"\ncpus = \"1\"\n[[partition.device]]\nname = \"gic\"\n"
                      "type = \"irqchip\"\naddress = 0x8000000\npin_base = 33\n"),
            "/etc/runz/runz.toml:9: partition.device[0].pin_base: 33 is not a multiple of 32 (GIC)");
  EXPECT_EQ(error_for(dev("type = \"uart\"\naddress = 0x3f8\nuart_type = \"16550\"\n")).substr(0, 62),
            "/etc/runz/runz.toml:8: partition.device[0].uart_type: \"16550\" ");
  EXPECT_EQ(error_for(dev("type = \"uart\"\naddress = 0xfff8\nsize = 16\npio = true\n")),
            "/etc/runz/runz.toml:7: partition.device[0].address: I/O ports end at 0xffff");
  EXPECT_EQ(error_for(dev("type = \"uart\"\naddress = 0x3f8\nirq = [\"4\"]\n")),
            "/etc/runz/runz.toml:8: partition.device[0].irq: expected an integer, got a string");
  EXPECT_EQ(error_for(dev("type = \"uart\"\naddress = 0x3f8\n[[partition.device]]\nname = \"d\"\ntype = \"uart\"\naddress = 0x2f8\n")),
            "/etc/runz/runz.toml:9: partition.device[1].name: device \"d\" is declared twice (first at line 4)");
}

TEST(PartitionPlatform, ConsoleMustNameAUart) {
  std::string base = with_head("[[partition.device]]\nname = \"nic\"\ntype = \"pci\"\nbdf = \"00:1f.6\"\n");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\ncpus = \"1\"\nconsole = \"device:com9\"\n"),
            "/etc/runz/runz.toml:4: partition.console: no [[partition.device]] is named \"com9\"");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\ncpus = \"1\"\nconsole = \"device:nic\"\n[[partition.device]]\nname = \"nic\"\ntype = \"pci\"\nbdf = \"00:1f.6\"\n"),
            "/etc/runz/runz.toml:4: partition.console: device \"nic\" is not a uart");
  EXPECT_EQ(error_for("[partition]\nbackend = \"jailhouse\"\ncpus = \"1\"\nconsole = \"serial\"\n"),
            "/etc/runz/runz.toml:4: partition.console: \"serial\" is not \"jailhouse\", \"none\" or \"device:<uart name>\"");
  auto none = parse("[partition]\nbackend = \"jailhouse\"\ncpus = \"1\"\nconsole = \"none\"\n");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->console.kind, Console::Kind::none);
}

TEST(PartitionPlatform, IvshmemWindow) {
  EXPECT_EQ(error_for(with_head("ivshmem = { base = 0x40000000 }\n")), "/etc/runz/runz.toml:4: partition.ivshmem.slots: required");
  EXPECT_EQ(error_for(with_head("ivshmem = { base = 0x40000000, slots = 0 }\n")), "/etc/runz/runz.toml:4: partition.ivshmem.slots: must be 1 to 256");
  EXPECT_EQ(error_for(with_head("ivshmem = { base = 0x40000800, slots = 1 }\n")),
            "/etc/runz/runz.toml:4: partition.ivshmem.base: 0x40000800 is not aligned to 4 KiB");
}

TEST(PartitionPlatform, Formatting) {
  EXPECT_EQ(format_size(64ull << 20), "64 MiB");
  EXPECT_EQ(format_size(2ull << 30), "2 GiB");
  EXPECT_EQ(format_size(4096), "4 KiB");
  EXPECT_EQ(format_size(1000), "1000 bytes");
  EXPECT_EQ(format_range({0x1000, 0x1000}), "0x1000-0x1fff");
  EXPECT_EQ(format_cpu_list({0, 2, 3, 5, 6, 7}), "0,2-3,5-7");
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(parse_cpu_list(" 1 , 3-4").value(), (CpuSet{1, 3, 4}));
  EXPECT_FALSE(parse_cpu_list("1,,2"));
  EXPECT_FALSE(parse_cpu_list("5000"));
}

}  // namespace
}  // namespace runz::backends::partition
