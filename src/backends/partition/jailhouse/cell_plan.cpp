#include "backends/partition/jailhouse/cell_plan.hpp"

#include <cstdio>

namespace runz::backends::partition::jailhouse {
namespace {

constexpr uint64_t kPage = 0x1000;
constexpr uint64_t kRam = kMemRead | kMemWrite | kMemExecute | kMemLoadable;
constexpr uint64_t kIoRegion = kMemRead | kMemWrite | kMemIo | kMemIo8 | kMemIo32;
constexpr uint16_t kDefaultIvshmemBdf = 0x0e << 3;  // 00:0e.0
constexpr uint16_t kIvshmemProtocolUndefined = 0;

uint64_t page_up(uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }
uint64_t page_down(uint64_t v) { return v & ~(kPage - 1); }

// FNV-1a: stable across builds and hosts.
uint32_t hash32(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

MemoryRegion ram_region(const Allocation& a, uint64_t virt) {
  return {a.memory.range.start, virt, a.memory.range.size, kRam, 0};
}

MemoryRegion comm_region(Arch arch, uint64_t ram_virt, uint64_t ram_size) {
  uint64_t at = arch == Arch::x86 ? 0x100000 : 0x80000000;
  if (at + kPage > ram_virt && at < ram_virt + ram_size) at = page_up(ram_virt + ram_size);
  return {0, at, kPage, kMemRead | kMemWrite | kMemCommRegion, 0};
}

void add_irq_pins(Irqchip& chip, const std::vector<uint32_t>& irqs) {
  for (uint32_t irq : irqs) {
    if (irq < chip.pin_base || irq - chip.pin_base >= 128) continue;
    uint32_t pin = irq - chip.pin_base;
    chip.pin_bitmap[pin / 32] |= 1u << (pin % 32);
  }
}

void add_device(CellConfig& cell, const Device& d, const PartitionPlatform& p) {
  switch (d.type) {
    case DeviceType::uart:
      if (d.pio) cell.pio_regions.push_back({static_cast<uint16_t>(d.address), static_cast<uint16_t>(d.size)});
      else cell.memory_regions.push_back({d.address, d.address, page_up(d.size), kIoRegion, 0});
      break;
    case DeviceType::pci: {
      PciDevice pci;
      pci.type = kPciTypeDevice;
      pci.bdf = d.bdf.value_or(0);
      cell.pci_devices.push_back(pci);
      if (d.size) cell.memory_regions.push_back({d.address, d.address, page_up(d.size), kIoRegion, 0});
      break;
    }
    case DeviceType::irqchip: {
      Irqchip chip;
      chip.address = d.address;
      chip.pin_base = d.pin_base.value_or(0);
      add_irq_pins(chip, d.irqs);
      cell.irqchips.push_back(chip);
      break;
    }
    case DeviceType::ivshmem:
      break;  // placed with the comm slot
  }
  (void)p;
}

// ivshmem v2 regions inside the slot: state table (read-only), a read-write region (empty),
// one output section per peer; this cell is peer 1 (the root cell peer 0).
void add_ivshmem(CellConfig& cell, const CommRegion& slot, uint16_t bdf) {
  PciDevice dev;
  dev.type = kPciTypeIvshmem;
  dev.bdf = bdf;
  dev.bar_mask = {0xfffff000, 0xfffffe00, 0, 0, 0, 0};
  dev.num_msix_vectors = 1;
  dev.shmem_regions_start = static_cast<uint32_t>(cell.memory_regions.size());
  dev.shmem_dev_id = 1;
  dev.shmem_peers = 2;
  dev.shmem_protocol = kIvshmemProtocolUndefined;
  uint64_t base = slot.range.start;
  uint64_t out = page_down((slot.range.size - kPage) / 2);
  const uint64_t shared = kMemRead | kMemRootShared;
  cell.memory_regions.push_back({base, base, kPage, shared, 0});
  cell.memory_regions.push_back({base + kPage, base + kPage, 0, shared | kMemWrite, 0});
  cell.memory_regions.push_back({base + kPage, base + kPage, out, shared, 0});
  cell.memory_regions.push_back({base + kPage + out, base + kPage + out, out, shared | kMemWrite, 0});
  cell.pci_devices.push_back(dev);
}

}  // namespace

std::string cell_name_for(const std::string& container_id) {
  if (container_id.size() <= kCellNameMax) return container_id;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%08x", hash32(container_id));
  return container_id.substr(0, kCellNameMax - 9) + suffix;
}

uint64_t ram_virt_start(const BootConfig& boot) { return boot.starting_vaddress.value_or(0); }

Architecture architecture_of(Arch arch) {
  switch (arch) {
    case Arch::arm: return Architecture::arm;
    case Arch::arm64: return Architecture::arm64;
    case Arch::x86: break;
  }
  return Architecture::x86;
}

Layout layout_of(CellLayout layout) {
  return layout == CellLayout::omnivisor ? Layout::omnivisor : Layout::upstream_r14;
}

CellConfig plan_cell(const std::string& name, const Allocation& a, const PartitionPlatform& p, const BootConfig& boot) {
  CellConfig cell;
  cell.name = name;
  cell.architecture = architecture_of(p.arch);
  cell.cpus = a.cpus;
  uint64_t virt = ram_virt_start(boot);
  cell.memory_regions.push_back(ram_region(a, virt));
  cell.memory_regions.push_back(comm_region(p.arch, virt, a.memory.range.size));
  cell.cpu_reset_address = virt;
  // Devices' irqs go to the cell's irqchips: collect them after every device is known.
  std::vector<uint32_t> irqs;
  std::optional<uint16_t> ivshmem_bdf;
  for (const auto& dev_name : a.devices) {
    const Device* d = p.find_device(dev_name);
    if (!d) continue;  // the allocator only hands out configured devices
    if (d->type == DeviceType::ivshmem) ivshmem_bdf = d->bdf;
    if (d->type != DeviceType::irqchip) irqs.insert(irqs.end(), d->irqs.begin(), d->irqs.end());
    add_device(cell, *d, p);
  }
  for (auto& chip : cell.irqchips) add_irq_pins(chip, irqs);
  if (a.ivshmem) add_ivshmem(cell, *a.ivshmem, ivshmem_bdf.value_or(kDefaultIvshmemBdf));
  return cell;
}

CheckContext check_context(const PartitionPlatform& p, const std::vector<Allocation>& others, const CpuSet& root_cpus) {
  CheckContext ctx;
  ctx.architecture = architecture_of(p.arch);
  if (p.hypervisor_memory) ctx.hypervisor_memory = {p.hypervisor_memory->start, p.hypervisor_memory->size, "hypervisor memory"};
  for (const auto& a : others) {
    if (a.memory.range.size == 0) continue;
    ctx.other_cells.push_back({cell_name_for(a.container_id), {ram_region(a, a.memory.range.start)}});
  }
  ctx.free_cpus = root_cpus;
  return ctx;
}

}  // namespace runz::backends::partition::jailhouse
