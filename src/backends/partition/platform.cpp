#include "backends/partition/platform.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <utility>

#include <toml++/toml.h>

#include "util/strings.hpp"

namespace runz::backends::partition {

namespace {

constexpr uint64_t kPage = 0x1000;

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "a date or time";
  }
}

// "\"name\"" (built with += : GCC 12 warns falsely on "literal" + std::string&&).
std::string quoted(std::string_view name) {
  std::string q = "\"";
  q += name;
  q += '"';
  return q;
}

// One TOML table and the keys it may hold; every error carries the source line.
class Section {
 public:
  Section(std::string source, const toml::table& table, std::string path)
      : source_(std::move(source)), table_(table), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  uint32_t line() const { return table_.source().begin.line; }

  std::unexpected<Error> error_at(uint32_t line, const std::string& msg) const {
    return fail_user(source_ + ":" + std::to_string(line) + ": " + msg);
  }
  std::unexpected<Error> error_here(const std::string& msg) const { return error_at(line(), msg); }
  // An error about one key, at the key's line.
  std::unexpected<Error> error(std::string_view key, const std::string& msg) const {
    const toml::node* n = table_.get(key);
    return error_at(n ? n->source().begin.line : line(), path_ + "." + std::string(key) + ": " + msg);
  }

  Result<void> allow_only(std::initializer_list<std::string_view> keys) const {
    for (auto&& [k, v] : table_) {
      bool known = false;
      for (auto allowed : keys) known = known || k.str() == allowed;
      if (!known) {
        std::vector<std::string> names(keys.begin(), keys.end());
        return error_at(k.source().begin.line, "unknown key " + path_ + "." + std::string(k.str()) +
                                                   " (known: " + join(names, ", ") + ")");
      }
    }
    return {};
  }

  bool has(std::string_view key) const { return table_.contains(key); }

  Result<std::optional<std::string>> string(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::optional<std::string>();
    if (!n->is_string()) return error(key, "expected a string, got " + std::string(type_name(*n)));
    return std::optional<std::string>(n->value<std::string>().value());
  }

  Result<std::string> required_string(std::string_view key) const {
    TRY(auto s, string(key));
    if (!s || s->empty()) return error(key, "required");
    return *s;
  }

  Result<std::optional<uint64_t>> uint(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::optional<uint64_t>();
    return as_uint(key, *n);
  }

  Result<uint64_t> required_uint(std::string_view key) const {
    TRY(auto v, uint(key));
    if (!v) return error(key, "required");
    return *v;
  }

  Result<std::optional<bool>> boolean(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::optional<bool>();
    if (!n->is_boolean()) return error(key, "expected true or false, got " + std::string(type_name(*n)));
    return std::optional<bool>(n->value<bool>().value());
  }

  // An integer or an array of integers.
  Result<std::vector<uint64_t>> uint_list(std::string_view key) const {
    std::vector<uint64_t> out;
    const toml::node* n = table_.get(key);
    if (!n) return out;
    if (const toml::array* a = n->as_array()) {
      for (const toml::node& e : *a) {
        TRY(uint64_t v, as_uint(key, e));
        out.push_back(v);
      }
      return out;
    }
    TRY(uint64_t v, as_uint(key, *n));
    out.push_back(v);
    return out;
  }

  // A string key that must be one of the names in `choices`.
  template <typename E>
  Result<std::optional<E>> choice(std::string_view key, std::initializer_list<std::pair<std::string_view, E>> choices) const {
    TRY(auto s, string(key));
    if (!s) return std::optional<E>();
    std::vector<std::string> names;
    for (auto& [name, value] : choices) {
      if (*s == name) return std::optional<E>(value);
      names.push_back(quoted(name));
    }
    return error(key, "\"" + *s + "\" is not one of " + join(names, ", "));
  }

  // A sub-table (inline or not); nullopt when absent.
  Result<std::optional<Section>> table(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::optional<Section>();
    if (!n->is_table()) return error(key, "expected a table, got " + std::string(type_name(*n)));
    return std::optional<Section>(Section(source_, *n->as_table(), path_ + "." + std::string(key)));
  }

  // The tables of an array of tables ([[partition.device]]).
  Result<std::vector<Section>> tables(std::string_view key) const {
    std::vector<Section> out;
    const toml::node* n = table_.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) return error(key, "expected an array of tables ([[" + path_ + "." + std::string(key) + "]])");
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::table* t = (*a)[i].as_table();
      std::string p = path_ + "." + std::string(key) + "[" + std::to_string(i) + "]";
      if (!t) return error_at((*a)[i].source().begin.line, p + ": expected a table");
      out.emplace_back(source_, *t, p);
    }
    return out;
  }

 private:
  Result<uint64_t> as_uint(std::string_view key, const toml::node& n) const {
    if (!n.is_integer())
      return error_at(n.source().begin.line, path_ + "." + std::string(key) + ": expected an integer, got " + std::string(type_name(n)));
    int64_t v = n.value<int64_t>().value();
    if (v < 0) return error_at(n.source().begin.line, path_ + "." + std::string(key) + ": must not be negative");
    return static_cast<uint64_t>(v);
  }

  std::string source_;
  const toml::table& table_;
  std::string path_;
};

bool power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

Result<CpuSet> cpu_list_key(const Section& s, std::string_view key) {
  TRY(auto text, s.string(key));
  if (!text) return CpuSet{};
  auto cpus = parse_cpu_list(*text);
  if (!cpus) return s.error(key, cpus.error().message);
  return *cpus;
}

// A range { start, size }: page aligned, non-empty, not wrapping.
Result<AddressRange> range_of(const Section& s, std::string_view start_key, std::string_view size_key) {
  TRY(uint64_t start, s.required_uint(start_key));
  TRY(uint64_t size, s.required_uint(size_key));
  if (size == 0) return s.error(size_key, "must not be zero");
  if (start % kPage) return s.error(start_key, format_hex(start) + " is not aligned to 4 KiB");
  if (size % kPage) return s.error(size_key, format_hex(size) + " is not a multiple of 4 KiB");
  if (start + size < start) return s.error(size_key, "the range passes the end of the address space");
  return AddressRange{start, size};
}

// Everything the physical address checks compare, with the line that declared it.
struct Claim {
  std::string what;  // "memory pool \"a\""
  AddressRange range;
  uint32_t line;
};

// Reported at the later of the two lines: the one that made the conflict.
Result<void> check_overlaps(const Section& top, std::vector<Claim> claims) {
  std::ranges::stable_sort(claims, {}, &Claim::line);
  for (size_t i = 0; i < claims.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (claims[i].range.overlaps(claims[j].range))
        return top.error_at(claims[i].line, claims[i].what + " (" + format_range(claims[i].range) + ") overlaps " +
                                                claims[j].what + " (" + format_range(claims[j].range) + ")");
  return {};
}

Result<MemoryPool> parse_pool(const Section& s) {
  TRYV(s.allow_only({"name", "start", "size", "align"}));
  MemoryPool p;
  TRY(p.name, s.required_string("name"));
  TRY(p.range, range_of(s, "start", "size"));
  TRY(auto align, s.uint("align"));
  if (align) {
    if (!power_of_two(*align) || *align < kPage) return s.error("align", format_hex(*align) + " is not a power of two of at least 4 KiB");
    p.align = *align;
  }
  return p;
}

Result<Device> parse_device(const Section& s, Arch arch) {
  TRYV(s.allow_only({"name", "type", "address", "size", "pio", "irq", "bdf", "pin_base", "uart_type"}));
  Device d;
  TRY(d.name, s.required_string("name"));
  TRY(auto type, s.choice<DeviceType>("type", {{"uart", DeviceType::uart},
                                               {"ivshmem", DeviceType::ivshmem},
                                               {"irqchip", DeviceType::irqchip},
                                               {"pci", DeviceType::pci}}));
  if (!type) return s.error("type", "required");
  d.type = *type;
  // Keys that mean something for one type only are refused elsewhere: a typo'd type
  // should not silently drop half the device.
  auto only_for = [&](std::string_view key, std::initializer_list<DeviceType> types) -> Result<void> {
    if (!s.has(key)) return {};
    for (auto t : types)
      if (t == d.type) return {};
    return s.error(key, "not a key of " + std::string(to_string(d.type)) + " devices");
  };
  TRYV(only_for("bdf", {DeviceType::pci, DeviceType::ivshmem}));
  TRYV(only_for("pin_base", {DeviceType::irqchip}));
  TRYV(only_for("uart_type", {DeviceType::uart}));
  TRYV(only_for("pio", {DeviceType::uart}));

  TRY(auto address, s.uint("address"));
  TRY(auto size, s.uint("size"));
  d.address = address.value_or(0);
  d.size = size.value_or(0);
  TRY(auto pio, s.boolean("pio"));
  d.pio = pio.value_or(false);
  if (d.pio && arch != Arch::x86) return s.error("pio", "port I/O exists on x86 only");
  if (d.pio && d.address + d.size > 0x10000) return s.error("address", "I/O ports end at 0xffff");
  if ((d.type == DeviceType::uart || d.type == DeviceType::irqchip) && !address)
    return s.error("address", "required for " + std::string(to_string(d.type)) + " devices");
  TRY(auto irqs, s.uint_list("irq"));
  for (uint64_t irq : irqs) {
    if (irq > 0xffffffffu) return s.error("irq", std::to_string(irq) + " is out of range");
    d.irqs.push_back(static_cast<uint32_t>(irq));
  }
  if (d.type == DeviceType::pci || d.type == DeviceType::ivshmem) {
    TRY(auto bdf, s.string("bdf"));
    if (!bdf) return s.error("bdf", "required for " + std::string(to_string(d.type)) + " devices (\"00:0e.0\")");
    unsigned bus = 0, dev = 0, fn = 0;
    char tail = 0;
    if (std::sscanf(bdf->c_str(), "%2x:%2x.%1x%c", &bus, &dev, &fn, &tail) != 3 || dev > 31 || fn > 7)
      return s.error("bdf", "\"" + *bdf + "\" is not bus:device.function (\"00:0e.0\")");
    d.bdf = static_cast<uint16_t>(bus << 8 | dev << 3 | fn);
  }
  if (d.type == DeviceType::irqchip) {
    TRY(auto pin_base, s.uint("pin_base"));
    if (!pin_base) return s.error("pin_base", "required for irqchip devices");
    if (*pin_base > 0xffffffffu) return s.error("pin_base", "out of range");
    if (arch != Arch::x86 && *pin_base % 32) return s.error("pin_base", std::to_string(*pin_base) + " is not a multiple of 32 (GIC)");
    d.pin_base = static_cast<uint32_t>(*pin_base);
  }
  if (d.type == DeviceType::uart) {
    TRY(auto ut, s.choice<std::string_view>("uart_type", {{"8250", "8250"}, {"pl011", "pl011"}, {"xuartps", "xuartps"},
                                                         {"mvebu", "mvebu"}, {"hscif", "hscif"}, {"scifa", "scifa"},
                                                         {"imx", "imx"}, {"imx-lpuart", "imx-lpuart"}}));
    d.uart_type = ut ? std::string(*ut) : (arch == Arch::x86 ? "8250" : "pl011");
  }
  return d;
}

Result<Rproc> parse_rproc(const Section& s) {
  TRYV(s.allow_only({"name", "remoteproc", "rpmsg_ctrl"}));
  Rproc r;
  TRY(r.name, s.required_string("name"));
  TRY(r.remoteproc, s.required_string("remoteproc"));
  if (r.remoteproc.find('/') != std::string::npos || r.remoteproc == "." || r.remoteproc == "..")
    return s.error("remoteproc", "\"" + r.remoteproc + "\" is not a sysfs entry name (\"remoteproc0\")");
  TRY(auto ctrl, s.string("rpmsg_ctrl"));
  r.rpmsg_ctrl = ctrl.value_or("");
  return r;
}

Result<IvshmemWindow> parse_ivshmem(const Section& s) {
  TRYV(s.allow_only({"base", "slots", "slot_size"}));
  IvshmemWindow w;
  TRY(w.base, s.required_uint("base"));
  TRY(uint64_t slots, s.required_uint("slots"));
  if (slots == 0 || slots > 256) return s.error("slots", "must be 1 to 256");
  w.slots = static_cast<unsigned>(slots);
  TRY(auto slot_size, s.uint("slot_size"));
  if (slot_size) w.slot_size = *slot_size;
  if (w.slot_size == 0 || w.slot_size % kPage) return s.error("slot_size", "must be a non-zero multiple of 4 KiB");
  if (w.base % kPage) return s.error("base", format_hex(w.base) + " is not aligned to 4 KiB");
  if (w.base + w.slots * w.slot_size < w.base) return s.error("slots", "the window passes the end of the address space");
  return w;
}

// Names must be unique within their list; the error points at the second one.
template <typename T>
Result<void> unique_names(const std::vector<T>& items, const std::vector<Section>& sections, std::string_view what) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < items.size(); ++i)
    if (!seen.emplace(items[i].name, i).second)
      return sections[i].error("name", std::string(what) + " \"" + items[i].name + "\" is declared twice (first at line " +
                                           std::to_string(sections[seen[items[i].name]].line()) + ")");
  return {};
}

Result<Console> parse_console(const Section& top, const PartitionPlatform& p) {
  TRY(auto text, top.string("console"));
  Console c;
  if (!text) {
    c.kind = p.backend == BackendKind::jailhouse ? Console::Kind::jailhouse : Console::Kind::none;
  } else if (*text == "jailhouse") {
    c.kind = Console::Kind::jailhouse;
  } else if (*text == "none") {
    c.kind = Console::Kind::none;
  } else if (text->starts_with("device:")) {
    c.kind = Console::Kind::device;
    c.device = text->substr(7);
    const Device* d = p.find_device(c.device);
    if (!d) return top.error("console", "no [[partition.device]] is named \"" + c.device + "\"");
    if (d->type != DeviceType::uart) return top.error("console", "device \"" + c.device + "\" is not a uart");
  } else {
    return top.error("console", "\"" + *text + "\" is not \"jailhouse\", \"none\" or \"device:<uart name>\"");
  }
  if (c.kind == Console::Kind::jailhouse && p.backend != BackendKind::jailhouse)
    return top.error("console", "\"jailhouse\" needs backend = \"jailhouse\"");
  return c;
}

Result<void> parse_cpus(const Section& top, PartitionPlatform& p) {
  TRY(p.cpus, cpu_list_key(top, "cpus"));
  TRY(p.root_cell_cpus, cpu_list_key(top, "root_cell_cpus"));
  if (p.backend == BackendKind::jailhouse && p.cpus.empty())
    return top.error_here("partition.cpus is required with backend = \"jailhouse\" (the CPUs cells may take, like \"1-3\")");
  if (p.arch == Arch::x86 && p.cpus.contains(0))
    return top.error("cpus", "CPU 0 cannot leave the root cell on x86");
  if (!top.has("root_cell_cpus")) {
    p.root_cell_cpus = p.cpus;
    p.root_cell_cpus.insert(0);
  }
  CpuSet outside;
  for (unsigned c : p.cpus)
    if (!p.root_cell_cpus.contains(c)) outside.insert(c);
  if (!outside.empty())
    return top.error("cpus", "CPUs " + format_cpu_list(outside) + " are not in root_cell_cpus (" +
                                 format_cpu_list(p.root_cell_cpus) + ")");
  return {};
}

Result<void> parse_addresses(const Section& top, PartitionPlatform& p) {
  std::vector<Claim> claims;
  TRY(auto hv, top.table("hypervisor_memory"));
  if (hv) {
    TRYV(hv->allow_only({"start", "size"}));
    TRY(p.hypervisor_memory, range_of(*hv, "start", "size"));
    claims.push_back({"hypervisor memory", *p.hypervisor_memory, hv->line()});
  }
  TRY(auto pools, top.tables("memory_pool"));
  for (const Section& s : pools) {
    TRY(MemoryPool pool, parse_pool(s));
    claims.push_back({"memory pool \"" + pool.name + "\"", pool.range, s.line()});
    p.memory_pools.push_back(std::move(pool));
  }
  TRYV(unique_names(p.memory_pools, pools, "memory pool"));
  TRY(auto iv, top.table("ivshmem"));
  if (iv) {
    TRY(p.ivshmem, parse_ivshmem(*iv));
    claims.push_back({"the ivshmem window", p.ivshmem->range(), iv->line()});
  }
  TRY(auto devices, top.tables("device"));
  for (const Section& s : devices) {
    TRY(Device d, parse_device(s, p.arch));
    if (!d.pio && d.size > 0) claims.push_back({"device \"" + d.name + "\"", {d.address, d.size}, s.line()});
    p.devices.push_back(std::move(d));
  }
  TRYV(unique_names(p.devices, devices, "device"));
  return check_overlaps(top, claims);
}

Result<PartitionPlatform> parse_top(const Section& top) {
  TRYV(top.allow_only({"backend", "jailhouse", "sysfs", "arch", "cell_layout", "cpus", "root_cell_cpus",
                       "hypervisor_memory", "memory_pool", "ivshmem", "device", "rproc", "remoteproc_sysfs",
                       "firmware_dir", "console"}));
  PartitionPlatform p;
#if defined(__aarch64__)
  p.arch = Arch::arm64;
#elif defined(__arm__)
  p.arch = Arch::arm;
#endif
  TRY(auto backend, top.choice<BackendKind>("backend", {{"jailhouse", BackendKind::jailhouse},
                                                        {"remoteproc", BackendKind::remoteproc}}));
  if (!backend) return top.error_here("partition.backend is required (\"jailhouse\" or \"remoteproc\")");
  p.backend = *backend;
  TRY(auto arch, top.choice<Arch>("arch", {{"x86", Arch::x86}, {"arm64", Arch::arm64}, {"arm", Arch::arm}}));
  if (arch) p.arch = *arch;
  TRY(auto layout, top.choice<CellLayout>("cell_layout", {{"upstream-r14", CellLayout::upstream_r14},
                                                          {"omnivisor", CellLayout::omnivisor}}));
  if (layout) p.cell_layout = *layout;
  for (auto [key, field] : {std::pair{"jailhouse", &p.jailhouse}, std::pair{"sysfs", &p.sysfs},
                            std::pair{"remoteproc_sysfs", &p.remoteproc_sysfs},
                            std::pair{"firmware_dir", &p.firmware_dir}}) {
    TRY(auto path, top.string(key));
    if (!path) continue;
    if (!path->starts_with("/")) return top.error(key, "\"" + *path + "\" is not an absolute path");
    *field = *path;
  }
  TRYV(parse_cpus(top, p));
  TRYV(parse_addresses(top, p));
  TRY(auto rprocs, top.tables("rproc"));
  for (const Section& s : rprocs) {
    TRY(Rproc r, parse_rproc(s));
    p.rprocs.push_back(std::move(r));
  }
  TRYV(unique_names(p.rprocs, rprocs, "rproc"));
  if (p.backend == BackendKind::remoteproc && p.rprocs.empty())
    return top.error_here("backend = \"remoteproc\" needs at least one [[partition.rproc]]");
  TRY(p.console, parse_console(top, p));
  return p;
}

}  // namespace

const Device* PartitionPlatform::find_device(std::string_view name) const {
  for (const auto& d : devices)
    if (d.name == name) return &d;
  return nullptr;
}

const Rproc* PartitionPlatform::find_rproc(std::string_view name) const {
  for (const auto& r : rprocs)
    if (r.name == name) return &r;
  return nullptr;
}

Result<PartitionPlatform> parse_partition_platform(std::string_view toml_text, std::string_view source_name) {
  const std::string source(source_name);
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return fail_user(source + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  const toml::node* node = doc.get("partition");
  if (!node) return PartitionPlatform{};
  if (!node->is_table())
    return fail_user(source + ":" + std::to_string(node->source().begin.line) + ": partition: expected a table");
  return parse_top(Section(source, *node->as_table(), "partition"));
}

std::string_view to_string(BackendKind b) {
  switch (b) {
    case BackendKind::jailhouse: return "jailhouse";
    case BackendKind::remoteproc: return "remoteproc";
    default: return "none";
  }
}

std::string_view to_string(Arch a) {
  switch (a) {
    case Arch::arm64: return "arm64";
    case Arch::arm: return "arm";
    default: return "x86";
  }
}

std::string_view to_string(CellLayout l) { return l == CellLayout::omnivisor ? "omnivisor" : "upstream-r14"; }

std::string_view to_string(DeviceType t) {
  switch (t) {
    case DeviceType::ivshmem: return "ivshmem";
    case DeviceType::irqchip: return "irqchip";
    case DeviceType::pci: return "pci";
    default: return "uart";
  }
}

std::string format_hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string format_range(const AddressRange& r) { return format_hex(r.start) + "-" + format_hex(r.end() - 1); }

std::string format_size(uint64_t bytes) {
  static constexpr std::pair<uint64_t, const char*> units[] = {{1ull << 40, "TiB"}, {1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}};
  for (auto [unit, name] : units)
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + " " + name;
  return std::to_string(bytes) + " bytes";
}

}  // namespace runz::backends::partition
