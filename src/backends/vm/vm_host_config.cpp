#include "backends/vm/vm_host_config.hpp"

#include <toml++/toml.h>

#include <functional>
#include <map>

#include "util/duration.hpp"
#include "util/size.hpp"

namespace runz::backends::vm {
namespace {

std::string where(std::string_view source, const toml::node& node) {
  return std::string(source) + ":" + std::to_string(node.source().begin.line) + ": ";
}

using Setter = std::function<Result<void>(const toml::node&, VmDefaults&)>;

Setter text(std::string VmDefaults::*field) {
  return [field](const toml::node& n, VmDefaults& d) -> Result<void> {
    auto v = n.value<std::string>();
    if (!v) return fail_user("expected a string");
    d.*field = *v;
    return {};
  };
}

Result<uint64_t> mib_of(const toml::node& n) {
  if (auto i = n.value<int64_t>(); i && *i > 0) return static_cast<uint64_t>(*i);
  auto s = n.value<std::string>();
  if (!s) return fail_user("expected a size in MiB or a string like \"128M\"");
  TRY(int64_t bytes, parse_ram_in_bytes(*s));
  if (bytes < (1 << 20)) return fail_user("size \"" + *s + "\" is below 1 MiB");
  return static_cast<uint64_t>(bytes) >> 20;
}

Setter mib(uint64_t VmDefaults::*field) {
  return [field](const toml::node& n, VmDefaults& d) -> Result<void> {
    TRY(d.*field, mib_of(n));
    return {};
  };
}

Result<void> set_accel(const toml::node& n, VmDefaults& d) {
  auto v = n.value<std::string>();
  if (v == "auto") d.accel = Accel::automatic;
  else if (v == "kvm") d.accel = Accel::kvm;
  else if (v == "tcg") d.accel = Accel::tcg;
  else return fail_user("accel must be \"auto\", \"kvm\" or \"tcg\"");
  return {};
}

Result<void> set_vcpus(const toml::node& n, VmDefaults& d) {
  auto v = n.value<int64_t>();
  if (!v || *v < 1 || *v > 256) return fail_user("vcpus must be a number from 1 to 256");
  d.vcpus = static_cast<unsigned>(*v);
  return {};
}

Result<void> set_timeout(const toml::node& n, VmDefaults& d) {
  auto v = n.value<std::string>();
  auto t = v ? parse_go_duration(*v) : std::nullopt;
  if (!t || t->count() < 0) return fail_user("shutdown_timeout must be a duration like \"10s\"");
  d.shutdown_timeout_s = static_cast<unsigned>(std::chrono::ceil<std::chrono::seconds>(*t).count());
  return {};
}

const std::map<std::string, Setter, std::less<>>& setters() {
  static const std::map<std::string, Setter, std::less<>> table = {
      {"qemu", text(&VmDefaults::qemu_x86_64)},
      {"qemu_aarch64", text(&VmDefaults::qemu_aarch64)},
      {"accel", set_accel},
      {"vcpus", set_vcpus},
      {"memory", mib(&VmDefaults::memory_mib)},
      {"vmm_overhead", mib(&VmDefaults::vmm_overhead_mib)},
      {"min_guest_memory", mib(&VmDefaults::min_guest_mib)},
      {"shutdown_timeout", set_timeout},
      {"linux_kernel", text(&VmDefaults::linux_kernel)},
      {"linux_modules", text(&VmDefaults::linux_modules)},
      {"hermit_loader", text(&VmDefaults::hermit_loader)},
      {"guest_init", text(&VmDefaults::guest_init)},
  };
  return table;
}

}  // namespace

Result<VmDefaults> parse_vm_defaults(std::string_view toml_text, std::string_view source) {
  VmDefaults d;
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return fail_user(std::string(source) + ":" + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  }
  const toml::table* vm = doc["vm"].as_table();
  if (!vm) return d;
  for (auto& [key, node] : *vm) {
    auto it = setters().find(key.str());
    if (it == setters().end()) return fail_user(where(source, node) + "unknown key vm." + std::string(key.str()));
    if (auto r = it->second(node, d); !r)
      return fail_user(where(source, node) + "vm." + std::string(key.str()) + ": " + r.error().message);
  }
  return d;
}

}  // namespace runz::backends::vm
