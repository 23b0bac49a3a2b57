#include "core/update_flags.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "util/strings.hpp"

namespace runz::core {
namespace {

using Flags = std::map<std::string, std::string>;

std::unexpected<Error> invalid(std::string_view flag, std::string_view value, std::string_view why) {
  return fail_user("invalid value for " + std::string(flag) + ": \"" + std::string(value) + "\" " + std::string(why));
}

const std::string* value_of(const Flags& flags, std::string_view name) {
  auto it = flags.find(std::string(name));
  return it == flags.end() ? nullptr : &it->second;
}

// An unsigned flag; 0 means "leave alone" (runc's zero values).
Result<std::optional<uint64_t>> unsigned_flag(const Flags& flags, std::string_view name) {
  const std::string* v = value_of(flags, name);
  if (!v || v->empty()) return std::optional<uint64_t>();
  auto n = parse_uint(*v);
  if (!n || trim(*v) != *v) return invalid(name, *v, "is not a non-negative integer");
  if (*n == 0) return std::optional<uint64_t>();
  return std::optional<uint64_t>(*n);
}

Result<std::optional<int64_t>> signed_flag(const Flags& flags, std::string_view name) {
  const std::string* v = value_of(flags, name);
  if (!v || v->empty()) return std::optional<int64_t>();
  auto n = parse_int(*v);
  if (!n || trim(*v) != *v) return invalid(name, *v, "is not an integer");
  if (*n == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(*n);
}

// A memory size: -1 (unlimited) or a size with units; 0 leaves the value alone.
Result<std::optional<int64_t>> size_flag(const Flags& flags, std::string_view name) {
  const std::string* v = value_of(flags, name);
  if (!v || v->empty()) return std::optional<int64_t>();
  if (*v == "-1") return std::optional<int64_t>(-1);
  auto n = parse_ram_in_bytes(*v);
  if (!n) return fail_user("invalid value for " + std::string(name) + ": " + n.error().message);
  if (*n == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(*n);
}

// A cpuset list goes into a cgroup file as one token.
Result<std::optional<std::string>> list_flag(const Flags& flags, std::string_view name) {
  const std::string* v = value_of(flags, name);
  if (!v || v->empty()) return std::optional<std::string>();
  for (unsigned char c : *v)
    if (!std::isdigit(c) && c != ',' && c != '-') return invalid(name, *v, "is not a list like 0-3,5");
  return std::optional<std::string>(*v);
}

}  // namespace


Result<linux::Resources> resources_from_update_flags(const Flags& flags) {
  for (const char* rdt : {"l3-cache-schema", "mem-bw-schema"})
    if (flags.contains(rdt))
      return fail_user(std::string("--") + rdt + ": Intel RDT is not supported by runz");

  linux::Resources r;
  linux::MemoryResources m;
  TRY(m.limit, size_flag(flags, "memory"));
  TRY(m.reservation, size_flag(flags, "memory-reservation"));
  TRY(m.swap, size_flag(flags, "memory-swap"));
  TRY(m.kernel, size_flag(flags, "kernel-memory"));
  TRY(m.kernel_tcp, size_flag(flags, "kernel-memory-tcp"));
  if (m.limit || m.reservation || m.swap || m.kernel || m.kernel_tcp) r.memory = m;

  linux::CpuResources c;
  TRY(c.shares, unsigned_flag(flags, "cpu-share"));
  TRY(c.period, unsigned_flag(flags, "cpu-period"));
  TRY(c.quota, signed_flag(flags, "cpu-quota"));
  TRY(c.realtime_period, unsigned_flag(flags, "cpu-rt-period"));
  TRY(c.realtime_runtime, signed_flag(flags, "cpu-rt-runtime"));
  TRY(c.cpus, list_flag(flags, "cpuset-cpus"));
  TRY(c.mems, list_flag(flags, "cpuset-mems"));
  if (c.quota && *c.quota < -1) return invalid("cpu-quota", *value_of(flags, "cpu-quota"), "is below -1");
  if (c.realtime_runtime && *c.realtime_runtime < -1)
    return invalid("cpu-rt-runtime", *value_of(flags, "cpu-rt-runtime"), "is below -1");
  if (c.shares || c.period || c.quota || c.realtime_period || c.realtime_runtime || c.cpus || c.mems) r.cpu = c;

  TRY(auto weight, unsigned_flag(flags, "blkio-weight"));
  if (weight) {
    if (*weight < 10 || *weight > 1000)
      return invalid("blkio-weight", *value_of(flags, "blkio-weight"), "is not a weight from 10 to 1000");
    r.block_io = linux::BlockIOResources{};
    r.block_io->weight = static_cast<uint16_t>(*weight);
  }

  TRY(auto pids, signed_flag(flags, "pids-limit"));
  if (pids) r.pids = linux::PidsResources{*pids < 0 ? -1 : *pids};
  return r;
}

}  // namespace runz::core
