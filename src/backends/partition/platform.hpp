// The host's partitioning platform: the [partition] table of /etc/runz/runz.toml. It says
// which backend drives the hardware (a Jailhouse hypervisor or Linux remoteproc), where its
// tools and sysfs trees are, and what runz may hand to containers: CPUs, memory pools,
// named devices and remote processors. Validated at load, with the line of every mistake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/partition/cpu_list.hpp"
#include "util/result.hpp"

namespace runz::backends::partition {

enum class BackendKind { none, jailhouse, remoteproc };
enum class Arch { x86, arm64, arm };
// The binary cell config variant: upstream Jailhouse revision 14, or the Omnivisor fork's.
enum class CellLayout { upstream_r14, omnivisor };
enum class DeviceType { uart, ivshmem, irqchip, pci };

// A physical range [start, start + size).
struct AddressRange {
  uint64_t start = 0;
  uint64_t size = 0;
  uint64_t end() const { return start + size; }
  bool overlaps(const AddressRange& o) const { return start < o.end() && o.start < end(); }
};

struct MemoryPool {
  std::string name;
  AddressRange range;
  uint64_t align = 0x200000;  // a power of two; blocks start on it and are sized in it
};

struct Device {
  std::string name;
  DeviceType type = DeviceType::uart;
  uint64_t address = 0;   // MMIO address, or the I/O port when pio
  uint64_t size = 0;      // bytes of MMIO (ports when pio)
  bool pio = false;       // x86 port I/O (a 16550 at 0x3f8)
  std::vector<uint32_t> irqs;
  std::optional<uint16_t> bdf;       // pci, ivshmem: bus << 8 | device << 3 | function
  std::optional<uint32_t> pin_base;  // irqchip: first interrupt pin it serves
  std::string uart_type;             // uart: "8250", "pl011", ... (default per arch)
};

// A remote processor under remoteproc_sysfs.
struct Rproc {
  std::string name;        // what containers ask for ("r5-0")
  std::string remoteproc;  // the sysfs entry ("remoteproc0")
  std::string rpmsg_ctrl;  // optional /dev/rpmsg_ctrlN made available to the container
};

// Where ivshmem/comm regions go: slot n is [base + n * slot_size, + slot_size).
struct IvshmemWindow {
  uint64_t base = 0;
  unsigned slots = 0;
  uint64_t slot_size = 0x100000;
  AddressRange range() const { return {base, slots * slot_size}; }
};

struct Console {
  enum class Kind { jailhouse, device, none } kind = Kind::jailhouse;
  std::string device;  // the uart's name when kind == device
};

struct PartitionPlatform {
  BackendKind backend = BackendKind::none;  // none: no [partition] table
  std::string jailhouse = "/usr/sbin/jailhouse";
  std::string sysfs = "/sys/devices/jailhouse";
  Arch arch = Arch::x86;
  CellLayout cell_layout = CellLayout::upstream_r14;
  CpuSet cpus;            // CPUs runz may hand to cells
  CpuSet root_cell_cpus;  // the root cell's CPUs with no runz cell (default: cpus + CPU 0)
  std::optional<AddressRange> hypervisor_memory;
  std::vector<MemoryPool> memory_pools;
  std::optional<IvshmemWindow> ivshmem;
  std::vector<Device> devices;
  std::vector<Rproc> rprocs;
  std::string remoteproc_sysfs = "/sys/class/remoteproc";
  std::string firmware_dir = "/lib/firmware";
  Console console;

  bool enabled() const { return backend != BackendKind::none; }
  const Device* find_device(std::string_view name) const;
  const Rproc* find_rproc(std::string_view name) const;
};

// Parse the [partition] table of a runz.toml text; source_name prefixes errors
// ("/etc/runz/runz.toml:14: ..."). No [partition] table: a disabled platform.
Result<PartitionPlatform> parse_partition_platform(std::string_view toml_text, std::string_view source_name);

std::string_view to_string(BackendKind b);
std::string_view to_string(Arch a);
std::string_view to_string(CellLayout l);
std::string_view to_string(DeviceType t);
// "0x3f8": addresses, sizes, alignments
std::string format_hex(uint64_t value);
// "0x40000000-0x4fffffff" (last byte inclusive, as /proc/iomem writes ranges).
std::string format_range(const AddressRange& r);
// "64 MiB", "2 GiB", "4 KiB", else "12345 bytes".
std::string format_size(uint64_t bytes);

}  // namespace runz::backends::partition
