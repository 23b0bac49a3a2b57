// A Jailhouse cell configuration (include/jailhouse/cell-config.h, revision 14) as a typed
// value, and its binary form, written by runz itself (no C compiler at run time).
//
// Two layouts share the signature "JHCLL" and revision 14:
//  - upstream_r14: siemens/jailhouse. A packed 132-byte header, 32-byte memory regions.
//  - omnivisor: the fork runPHI uses (DanieleOttaviano/jailhouse, as vendored in
//    runphi_manager's target/runPHI_cell_configs/include/omnivisor-cell.h). Assumed:
//      * header 140 bytes: `rcpu_set_size` u32 follows `cpu_set_size` (@52), every later
//        count moves down by 4, `num_qos_devices` u32 follows `num_stream_ids` (@84), so
//        vpci_irq_base @88, cpu_reset_address @92, msg_reply_timeout @100, console @108;
//      * the rcpu bitmap (remote processors, e.g. the R5 cores) follows the cpu bitmap;
//      * memory regions are 40 bytes: the upstream 32 plus `colors` u64 (cache colouring);
//      * after the stream ids, QoS devices of 20 bytes each: name[15], flags u8, base u32.
//    Later commits of the fork add `fpga_regions_size` after `rcpu_set_size` (and, in some
//    demo configs, rcpu/fpga device counts); that newer variant is NOT what this writes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace runz::backends::partition::jailhouse {

enum class Architecture : uint8_t { x86 = 0, arm = 1, arm64 = 2 };
enum class Layout { upstream_r14, omnivisor };

inline constexpr uint16_t kConfigRevision = 14;
inline constexpr std::string_view kCellSignature = "JHCLL";
inline constexpr std::size_t kCellNameMax = 31;  // name[32], NUL-terminated
inline constexpr std::size_t kQosDeviceNameLen = 15;

// Cell flags.
inline constexpr uint32_t kCellPassiveCommreg = 0x1;
inline constexpr uint32_t kCellTestDevice = 0x2;
inline constexpr uint32_t kCellAarch32 = 0x4;
inline constexpr uint32_t kCellVirtualConsolePermitted = 0x40000000;
inline constexpr uint32_t kCellVirtualConsoleActive = 0x80000000;

// Memory region flags.
inline constexpr uint64_t kMemRead = 0x1;
inline constexpr uint64_t kMemWrite = 0x2;
inline constexpr uint64_t kMemExecute = 0x4;
inline constexpr uint64_t kMemDma = 0x8;
inline constexpr uint64_t kMemIo = 0x10;
inline constexpr uint64_t kMemCommRegion = 0x20;
inline constexpr uint64_t kMemLoadable = 0x40;
inline constexpr uint64_t kMemRootShared = 0x80;
inline constexpr uint64_t kMemNoHugepages = 0x100;
inline constexpr uint64_t kMemColored = 0x200;  // omnivisor
inline constexpr uint64_t kMemIoUnaligned = 0x8000;
inline constexpr uint64_t kMemIo8 = 1u << 16;
inline constexpr uint64_t kMemIo16 = 2u << 16;
inline constexpr uint64_t kMemIo32 = 4u << 16;
inline constexpr uint64_t kMemIo64 = 8u << 16;

inline constexpr uint8_t kPciTypeDevice = 1;
inline constexpr uint8_t kPciTypeBridge = 2;
inline constexpr uint8_t kPciTypeIvshmem = 3;

struct MemoryRegion {
  uint64_t phys_start = 0;
  uint64_t virt_start = 0;
  uint64_t size = 0;
  uint64_t flags = 0;
  uint64_t colors = 0;  // omnivisor layout only (dropped in the upstream layout)
  bool operator==(const MemoryRegion&) const = default;
};

struct CacheRegion {
  uint32_t start = 0;
  uint32_t size = 0;
  uint8_t type = 0;
  uint16_t flags = 0;
  bool operator==(const CacheRegion&) const = default;
};

struct Irqchip {
  uint64_t address = 0;
  uint32_t id = 0;
  uint32_t pin_base = 0;
  std::array<uint32_t, 4> pin_bitmap{};
  bool operator==(const Irqchip&) const = default;
};

struct PioRegion {
  uint16_t base = 0;
  uint16_t length = 0;
  bool operator==(const PioRegion&) const = default;
};

struct PciDevice {
  uint8_t type = 0;
  uint8_t iommu = 0;
  uint16_t domain = 0;
  uint16_t bdf = 0;
  std::array<uint32_t, 6> bar_mask{};
  uint16_t caps_start = 0;
  uint16_t num_caps = 0;
  uint8_t num_msi_vectors = 0;
  bool msi_64bits = false;    // bit 0 of the byte at offset 35
  bool msi_maskable = false;  // bit 1
  uint16_t num_msix_vectors = 0;
  uint16_t msix_region_size = 0;
  uint64_t msix_address = 0;
  uint32_t shmem_regions_start = 0;  // index of the first memory region of an ivshmem device
  uint8_t shmem_dev_id = 0;
  uint8_t shmem_peers = 0;
  uint16_t shmem_protocol = 0;
  bool operator==(const PciDevice&) const = default;
};

struct PciCapability {
  uint16_t id = 0;
  uint16_t start = 0;
  uint16_t len = 0;
  uint16_t flags = 0;
  bool operator==(const PciCapability&) const = default;
};

struct Console {
  uint64_t address = 0;
  uint32_t size = 0;
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t divider = 0;
  uint32_t gate_nr = 0;
  uint64_t clock_reg = 0;
  bool operator==(const Console&) const = default;
};

// Omnivisor only.
struct QosDevice {
  std::string name;  // at most 15 bytes
  uint8_t flags = 0;
  uint32_t base = 0;
  bool operator==(const QosDevice&) const = default;
};

struct CellConfig {
  std::string name;  // at most 31 bytes; longer names are cut when encoded (as the driver does)
  uint32_t id = 0;   // set by the driver; 0 in files
  uint32_t flags = 0;
  Architecture architecture = Architecture::x86;
  std::set<unsigned> cpus;
  std::set<unsigned> rcpus;  // omnivisor only: remote processors
  std::vector<MemoryRegion> memory_regions;
  std::vector<CacheRegion> cache_regions;
  std::vector<Irqchip> irqchips;
  std::vector<PioRegion> pio_regions;
  std::vector<PciDevice> pci_devices;
  std::vector<PciCapability> pci_caps;
  std::vector<uint32_t> stream_ids;
  std::vector<QosDevice> qos_devices;  // omnivisor only
  Console console;
  uint64_t cpu_reset_address = 0;
  uint32_t vpci_irq_base = 0;
  uint64_t msg_reply_timeout = 0;
  bool operator==(const CellConfig&) const = default;
};

// Sizes of the fixed parts of a layout.
std::size_t header_size(Layout layout);         // 132 upstream, 140 omnivisor
std::size_t memory_region_size(Layout layout);  // 32 upstream, 40 omnivisor
// Bytes of a CPU bitmap holding `cpus`: whole 8-byte unsigned longs, at least one.
uint32_t cpu_set_size(const std::set<unsigned>& cpus);
// The exact length encode_cell_config produces.
std::size_t encoded_size(const CellConfig& cell, Layout layout);

// The binary cell config. Omnivisor-only fields (rcpus, colors, qos_devices) are dropped in
// the upstream layout; the name is cut to 31 bytes (check_cell in cell_check.hpp refuses a
// longer one, so run it first).
std::string encode_cell_config(const CellConfig& cell, Layout layout);

// Parse a binary cell config; any length mismatch, unknown architecture, wrong signature or
// revision, or absurd size is an error (safe on hostile input: nothing is read past the end).
Result<CellConfig> decode_cell_config(std::string_view bytes, Layout layout);

// Names as runz.toml spells them: "upstream" (or "upstream_r14") / "omnivisor";
// "x86" (or "x86_64") / "arm" / "arm64" (or "aarch64").
Result<Layout> parse_layout(std::string_view name);
std::string_view layout_name(Layout layout);
Result<Architecture> parse_architecture(std::string_view name);
std::string_view architecture_name(Architecture arch);

}  // namespace runz::backends::partition::jailhouse
