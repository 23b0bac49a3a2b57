// Our own checker for a cell before it reaches `jailhouse cell create`, with the rules of
// jailhouse-config-check plus the ones neither it nor the hypervisor applies between
// non-root cells (overlap with another runz cell's memory, CPUs already taken).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/partition/jailhouse/cell_config.hpp"
#include "util/result.hpp"

namespace runz::backends::partition::jailhouse {

// A physical address range [start, start + size) with a name for messages.
struct AddressRange {
  uint64_t start = 0;
  uint64_t size = 0;
  std::string what;  // "hypervisor memory", "IOAPIC", "PCI MMCONFIG", ...
};

// The memory of a cell runz already runs (build it with other_cell_from).
struct OtherCell {
  std::string name;
  std::vector<MemoryRegion> memory_regions;
};

struct CheckContext {
  Architecture architecture = Architecture::x86;
  AddressRange hypervisor_memory{0, 0, "hypervisor memory"};
  std::vector<OtherCell> other_cells;
  std::set<unsigned> free_cpus;  // CPUs runz may hand out now (not the root cell's last one)
  std::optional<AddressRange> pci_mmconfig;
  std::vector<AddressRange> reserved;  // more ranges no cell may map (GIC, IOMMU units, ...)
};

// x86's IOAPIC (0xfec00000, 4 KiB) and xAPIC (0xfee00000, 4 KiB) on x86, then the PCI
// MMCONFIG window if given, then ctx.reserved.
std::vector<AddressRange> reserved_ranges(const CheckContext& ctx);

// Memory regions whose physical address means nothing or that are shared on purpose, left
// out of the checks against other cells, the hypervisor and reserved ranges: the comm region
// (only virt_start matters; phys_start is 0) and the regions of ivshmem devices
// (shmem_regions_start, 2 + shmem_peers of them), which the ivshmem allocator places.
bool is_shared_or_virtual_only(const CellConfig& cell, std::size_t region_index);

// A cell's name and its private regions (is_shared_or_virtual_only ones left out).
OtherCell other_cell_from(const CellConfig& cell);

// "0,2-3", as sysfs cpus_assigned_list and `jailhouse cell list` print CPU sets.
std::string format_cpu_list(const std::set<unsigned>& cpus);

// The rules, each failure one line naming the regions (hex) or CPUs:
//  - the name is 1..31 bytes without NUL (encode would cut it);
//  - CPUs: not empty, a subset of ctx.free_cpus, never CPU 0 on x86;
//  - no region wraps around the 64-bit address space; regions are 4 KiB-aligned (phys, virt,
//    size) unless they are IO regions (the hypervisor's own rule);
//  - no two regions of the cell overlap, physically or virtually (zero-size ignored; the
//    comm region only virtually);
//  - no region overlaps the hypervisor's memory, a reserved range, or a region of another
//    runz cell (shared/virtual-only regions excepted, see above).
Result<void> check_cell(const CellConfig& cell, const CheckContext& ctx);

}  // namespace runz::backends::partition::jailhouse
