// The cell a partition container gets: its allocation (CPUs, a RAM block, a comm slot,
// named devices) and the image's boot config turned into a Jailhouse cell config.
#pragma once

#include <string>

#include "backends/partition/allocator.hpp"
#include "backends/partition/boot_config.hpp"
#include "backends/partition/jailhouse/cell_check.hpp"
#include "backends/partition/jailhouse/cell_config.hpp"
#include "backends/partition/platform.hpp"

namespace runz::backends::partition::jailhouse {

// The cell's name: the container id when it fits (31 bytes), else its first 22 bytes, "-"
// and 8 hex digits of a hash of the whole id: stable, so nothing needs recording, and
// distinct for ids that share a prefix.
std::string cell_name_for(const std::string& container_id);

// Where the inmate's RAM starts in the cell's address space (the boot config's
// starting_vaddress, else 0).
uint64_t ram_virt_start(const BootConfig& boot);

// Layout:
//  - RAM: the allocated block at ram_virt_start, READ|WRITE|EXECUTE|LOADABLE;
//  - a comm region (4 KiB) at the inmate library's address (0x100000 on x86, 0x80000000 on
//    arm) unless RAM covers it, then right after RAM;
//  - each allocated device: a uart as a pio region (x86, pio = true) or an IO memory region;
//    a pci device as a PCI device plus its MMIO as an IO region; an irqchip with the pins of
//    the cell's devices' irqs;
//  - with a comm slot: an ivshmem PCI device (bdf of an allocated ivshmem device, else
//    00:0e.0) and its shared regions inside the slot (state table, rw, two outputs).
CellConfig plan_cell(const std::string& name, const Allocation& allocation, const PartitionPlatform& platform,
                     const BootConfig& boot);

// What check_cell needs: the platform's hypervisor memory, the other runz cells' memory (from
// their allocations), the CPUs the root cell still has.
CheckContext check_context(const PartitionPlatform& platform, const std::vector<Allocation>& others,
                           const CpuSet& root_cell_cpus);

Architecture architecture_of(Arch arch);
Layout layout_of(CellLayout layout);

}  // namespace runz::backends::partition::jailhouse
