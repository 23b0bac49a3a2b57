#include "backends/partition/jailhouse/cell_check.hpp"

#include <cstdio>

namespace runz::backends::partition::jailhouse {
namespace {

constexpr uint64_t kIoapicBase = 0xfec00000;
constexpr uint64_t kXapicBase = 0xfee00000;
constexpr uint64_t kPageSize = 0x1000;

// Overlap of [a, a+as) and [b, b+bs) without computing an end that could wrap.
bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs) {
  if (as == 0 || bs == 0) return false;
  return a <= b ? b - a < as : a - b < bs;
}

bool wraps(uint64_t start, uint64_t size) { return size != 0 && start + (size - 1) < start; }

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// "0x3a600000-0x3a6fffff" (inclusive end, as jailhouse-config-check prints regions).
std::string span(uint64_t start, uint64_t size) { return hex(start) + "-" + hex(start + (size - 1)); }

std::string describe_phys(std::size_t index, const MemoryRegion& m) {
  return "region " + std::to_string(index) + " (phys " + span(m.phys_start, m.size) + ")";
}

std::string describe_virt(std::size_t index, const MemoryRegion& m) {
  return "region " + std::to_string(index) + " (virt " + span(m.virt_start, m.size) + ")";
}

bool is_comm_region(const MemoryRegion& m) { return (m.flags & kMemCommRegion) != 0; }

std::unexpected<Error> refuse(const CellConfig& cell, const std::string& why) {
  return fail_user("cell \"" + cell.name + "\": " + why);
}

Result<void> check_name(const CellConfig& cell) {
  if (cell.name.empty()) return fail_user("cell: the name is empty");
  if (cell.name.size() > kCellNameMax)
    return refuse(cell, "the name is " + std::to_string(cell.name.size()) + " bytes long (at most " +
                            std::to_string(kCellNameMax) + ")");
  if (cell.name.find('\0') != std::string::npos) return refuse(cell, "the name contains a NUL byte");
  return {};
}

Result<void> check_cpus(const CellConfig& cell, const CheckContext& ctx) {
  if (cell.cpus.empty()) return refuse(cell, "no CPUs");
  if (ctx.architecture == Architecture::x86 && cell.cpus.contains(0))
    return refuse(cell, "CPU 0 cannot be given to a cell on x86");
  std::set<unsigned> taken;
  for (unsigned cpu : cell.cpus)
    if (!ctx.free_cpus.contains(cpu)) taken.insert(cpu);
  if (!taken.empty()) {
    std::string free = ctx.free_cpus.empty() ? "none" : format_cpu_list(ctx.free_cpus);
    return refuse(cell, std::string(taken.size() == 1 ? "CPU " : "CPUs ") + format_cpu_list(taken) +
                            (taken.size() == 1 ? " is" : " are") + " not free (free: " + free + ")");
  }
  return {};
}

Result<void> check_regions_inside(const CellConfig& cell) {
  const auto& regions = cell.memory_regions;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const MemoryRegion& m = regions[i];
    std::string what = "region " + std::to_string(i) + " (phys " + hex(m.phys_start) + ", virt " +
                       hex(m.virt_start) + ", size " + hex(m.size) + ")";
    if (wraps(m.phys_start, m.size) || wraps(m.virt_start, m.size))
      return refuse(cell, what + " wraps around the address space");
    // The hypervisor refuses unaligned regions (EINVAL); only MMIO may cover part of a page.
    bool aligned = ((m.phys_start | m.virt_start | m.size) & (kPageSize - 1)) == 0;
    if (!aligned && !(m.flags & kMemIo)) return refuse(cell, what + " is not 4 KiB-aligned and not an IO region");
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    for (std::size_t j = i + 1; j < regions.size(); ++j) {
      const MemoryRegion& a = regions[i];
      const MemoryRegion& b = regions[j];
      // A comm region has no physical address of its own (phys_start is 0).
      if (!is_comm_region(a) && !is_comm_region(b) && overlaps(a.phys_start, a.size, b.phys_start, b.size))
        return refuse(cell, describe_phys(j, b) + " overlaps " + describe_phys(i, a) + " physically");
      if (overlaps(a.virt_start, a.size, b.virt_start, b.size))
        return refuse(cell, describe_virt(j, b) + " overlaps " + describe_virt(i, a) + " virtually");
    }
  }
  return {};
}

Result<void> check_against(const CellConfig& cell, const AddressRange& range) {
  for (std::size_t i = 0; i < cell.memory_regions.size(); ++i) {
    const MemoryRegion& m = cell.memory_regions[i];
    if (is_shared_or_virtual_only(cell, i)) continue;
    if (overlaps(m.phys_start, m.size, range.start, range.size))
      return refuse(cell, describe_phys(i, m) + " overlaps " + range.what + " (" + span(range.start, range.size) + ")");
  }
  return {};
}

Result<void> check_against_cell(const CellConfig& cell, const OtherCell& other) {
  for (std::size_t i = 0; i < cell.memory_regions.size(); ++i) {
    const MemoryRegion& m = cell.memory_regions[i];
    if (is_shared_or_virtual_only(cell, i)) continue;
    for (std::size_t j = 0; j < other.memory_regions.size(); ++j) {
      const MemoryRegion& o = other.memory_regions[j];
      if (is_comm_region(o)) continue;
      if (overlaps(m.phys_start, m.size, o.phys_start, o.size))
        return refuse(cell, describe_phys(i, m) + " overlaps " + describe_phys(j, o) + " of cell \"" + other.name + "\"");
    }
  }
  return {};
}

}  // namespace

std::vector<AddressRange> reserved_ranges(const CheckContext& ctx) {
  std::vector<AddressRange> out;
  if (ctx.architecture == Architecture::x86) {
    out.push_back({kIoapicBase, 0x1000, "IOAPIC"});
    out.push_back({kXapicBase, 0x1000, "xAPIC"});
  }
  if (ctx.pci_mmconfig) out.push_back(*ctx.pci_mmconfig);
  out.insert(out.end(), ctx.reserved.begin(), ctx.reserved.end());
  return out;
}

bool is_shared_or_virtual_only(const CellConfig& cell, std::size_t region_index) {
  if (region_index >= cell.memory_regions.size()) return false;
  if (is_comm_region(cell.memory_regions[region_index])) return true;
  for (const PciDevice& dev : cell.pci_devices) {
    if (dev.type != kPciTypeIvshmem) continue;
    uint64_t first = dev.shmem_regions_start;
    uint64_t n = 2 + uint64_t{dev.shmem_peers};  // state table, read/write, one output per peer
    if (region_index >= first && region_index < first + n) return true;
  }
  return false;
}

OtherCell other_cell_from(const CellConfig& cell) {
  OtherCell other{cell.name, {}};
  for (std::size_t i = 0; i < cell.memory_regions.size(); ++i)
    if (!is_shared_or_virtual_only(cell, i)) other.memory_regions.push_back(cell.memory_regions[i]);
  return other;
}

std::string format_cpu_list(const std::set<unsigned>& cpus) {
  std::string out;
  for (auto it = cpus.begin(); it != cpus.end();) {
    unsigned first = *it;
    unsigned last = first;
    for (++it; it != cpus.end() && *it == last + 1; ++it) last = *it;
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) {
      out += '-';  // not `"-" + to_string()`: g++ 12 -O2 warns a false -Wrestrict on it
      out += std::to_string(last);
    }
  }
  return out;
}

Result<void> check_cell(const CellConfig& cell, const CheckContext& ctx) {
  TRYV(check_name(cell));
  TRYV(check_cpus(cell, ctx));
  TRYV(check_regions_inside(cell));
  TRYV(check_against(cell, ctx.hypervisor_memory));
  for (const AddressRange& range : reserved_ranges(ctx)) TRYV(check_against(cell, range));
  for (const OtherCell& other : ctx.other_cells) TRYV(check_against_cell(cell, other));
  return {};
}

}  // namespace runz::backends::partition::jailhouse
