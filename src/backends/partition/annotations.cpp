#include "backends/partition/annotations.hpp"

#include <cctype>
#include <set>

#include "util/strings.hpp"

namespace runz::backends::partition {

namespace {

constexpr const char* kCpus = "runz.partition.cpus";
constexpr const char* kMemory = "runz.partition.memory";
constexpr const char* kDevices = "runz.partition.devices";
constexpr const char* kRpu = "runz.partition.rpu";
constexpr unsigned kMaxCpuCount = 4096;

const std::string* find(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

std::unexpected<Error> bad(const char* annotation, const std::string& value, const std::string& why) {
  return fail_user("annotation " + std::string(annotation) + "=\"" + value + "\": " + why);
}

Result<void> cpus_from_annotation(const std::string& value, PartitionRequest& req) {
  std::string_view v = trim(value);
  if (v.find_first_of(",-") == std::string_view::npos) {
    auto n = parse_uint(v);
    if (!n || *n == 0 || *n > kMaxCpuCount) return bad(kCpus, value, "expected a CPU count (\"2\") or a CPU list (\"2,3\")");
    req.cpu_count = static_cast<unsigned>(*n);
    return {};
  }
  auto list = parse_cpu_list(v);
  if (!list) return bad(kCpus, value, list.error().message);
  req.cpus = std::move(*list);
  req.cpu_count = static_cast<unsigned>(req.cpus.size());
  return {};
}

// runPHI: ceil(quota / period), at least 1; a cpuset names the CPUs themselves.
Result<void> cpus_from_resources(const ResourceHints& hints, PartitionRequest& req) {
  if (!trim(hints.cpuset_cpus).empty()) {
    auto list = parse_cpu_list(hints.cpuset_cpus);
    if (!list) return fail_user("linux.resources.cpu.cpus: " + list.error().message);
    req.cpus = std::move(*list);
    req.cpu_count = static_cast<unsigned>(req.cpus.size());
    return {};
  }
  if (hints.cpu_quota && *hints.cpu_quota > 0) {
    uint64_t period = hints.cpu_period.value_or(100000);
    if (period == 0) return fail_user("linux.resources.cpu.period: must not be zero with a quota");
    uint64_t quota = static_cast<uint64_t>(*hints.cpu_quota);
    uint64_t n = quota / period + (quota % period ? 1 : 0);
    if (n > kMaxCpuCount) return fail_user("linux.resources.cpu: quota/period asks for " + std::to_string(n) + " CPUs");
    req.cpu_count = static_cast<unsigned>(n);
  }
  return {};
}

Result<std::vector<std::string>> device_list(const std::string& value) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& part : split(value, ',')) {
    std::string name(trim(part));
    if (name.empty()) return bad(kDevices, value, "empty device name");
    if (!seen.insert(name).second) return bad(kDevices, value, "device \"" + name + "\" named twice");
    out.push_back(std::move(name));
  }
  return out;
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
  std::string_view s = trim(text);
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  auto number = parse_uint(s.substr(0, digits));
  if (!number) return std::nullopt;
  std::string unit;
  for (char c : trim(s.substr(digits))) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned shift = 0;
  if (!unit.empty()) {
    static constexpr std::string_view prefixes = "bkmgt";
    auto at = prefixes.find(unit[0]);
    std::string_view rest = std::string_view(unit).substr(1);
    if (at == std::string_view::npos) return std::nullopt;
    if (at == 0 ? !rest.empty() : !(rest.empty() || rest == "b" || rest == "ib")) return std::nullopt;
    shift = static_cast<unsigned>(at) * 10;
  }
  if (*number == 0 || *number > (UINT64_MAX >> shift)) return std::nullopt;
  return *number << shift;
}

Result<PartitionRequest> partition_request(const std::map<std::string, std::string>& annotations,
                                           const ResourceHints& hints, const BootConfig& boot) {
  PartitionRequest req;
  if (const std::string* v = find(annotations, kCpus))
    TRYV(cpus_from_annotation(*v, req));
  else
    TRYV(cpus_from_resources(hints, req));

  if (const std::string* v = find(annotations, kMemory)) {
    auto bytes = parse_size(*v);
    if (!bytes) return bad(kMemory, *v, "expected a size like \"128M\" or \"1G\"");
    req.memory = *bytes;
  } else if (hints.memory_limit && *hints.memory_limit > 0) {
    req.memory = static_cast<uint64_t>(*hints.memory_limit);
  }

  if (const std::string* v = find(annotations, kDevices)) {
    if (!trim(*v).empty()) {
      TRY(req.devices, device_list(*v));
    }
  }

  if (const std::string* v = find(annotations, kRpu)) {
    std::string name(trim(*v));
    if (name.empty()) return bad(kRpu, *v, "expected an rproc name, \"any\" or \"none\"");
    req.rpu = name == "none" ? "" : name;
  } else if (boot.rpu_req) {
    req.rpu = "any";
  }
  req.ivshmem = boot.ivshmem;
  return req;
}

}  // namespace runz::backends::partition
