#include "backends/vm/vm_settings.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "util/duration.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {

namespace {

constexpr unsigned kMaxVcpus = 255;
constexpr uint64_t kMaxMemoryMib = uint64_t{16} << 20;  // 16 TiB: far above any host, far below overflow
constexpr unsigned kMaxCpuIndex = 65535;
constexpr std::string_view kPrefix = "runz.vm.";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error annotation_error(std::string_view key, std::string_view value, std::string_view why) {
  return user_error("annotation " + std::string(key) + "=\"" + std::string(value) + "\": " + std::string(why));
}

Result<unsigned> parse_vcpus(std::string_view text) {
  auto n = parse_uint(text);
  if (!n || *n == 0 || *n > kMaxVcpus)
    return fail_user("not a vCPU count between 1 and " + std::to_string(kMaxVcpus));
  return static_cast<unsigned>(*n);
}

std::optional<NetMode> parse_net(std::string_view text) {
  if (text == "auto") return NetMode::automatic;
  if (text == "none") return NetMode::none;
  if (text == "tap") return NetMode::tap;
  return std::nullopt;
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); });
}

// A machine type with options, as QEMU's -M takes it ("microvm", "pc", "microvm,rtc=on").
bool plausible_machine(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._-,=").find(c) != std::string_view::npos;
  });
}

unsigned vcpus_from_quota(int64_t quota, std::optional<uint64_t> period) {
  uint64_t p = period && *period > 0 ? *period : 100000;  // the kernel's default CFS period
  uint64_t q = static_cast<uint64_t>(quota);
  uint64_t n = q / p + (q % p != 0);
  return static_cast<unsigned>(std::min<uint64_t>(n, kMaxVcpus));
}

// The part of the memory limit the guest may have; nullopt when there is no limit.
Result<std::optional<uint64_t>> limit_mib(const ResourceHints& hints, const VmDefaults& d) {
  if (!hints.memory_limit || *hints.memory_limit <= 0) return std::optional<uint64_t>();
  uint64_t mib = static_cast<uint64_t>(*hints.memory_limit) >> 20;
  if (mib < d.vmm_overhead_mib || mib - d.vmm_overhead_mib < d.min_guest_mib)
    return fail_user("the memory limit of " + std::to_string(mib) + " MiB is too small for a VM: the VMM needs about " +
                     std::to_string(d.vmm_overhead_mib) + " MiB and the guest at least " +
                     std::to_string(d.min_guest_mib) + " MiB (ask for " +
                     std::to_string(d.vmm_overhead_mib + d.min_guest_mib) + " MiB or more)");
  return std::optional<uint64_t>(mib);
}

Result<void> apply_annotation(VmSettings& s, std::string_view key, const std::string& value, const VmDefaults& d,
                              std::optional<uint64_t> limit) {
  std::string_view name = key.substr(kPrefix.size());
  if (name == "vmm") {
    if (!plausible_machine(value) || value.find(',') != std::string::npos)
      return fail(annotation_error(key, value, "not a VMM name"));
    s.vmm = lower(value);
  } else if (name == "accel") {
    auto a = parse_accel(lower(value));
    if (!a) return fail(annotation_error(key, value, "not auto, kvm or tcg"));
    s.accel = *a;
  } else if (name == "vcpus") {
    auto n = parse_vcpus(value);
    if (!n) return fail(annotation_error(key, value, n.error().message));
    s.vcpus = *n;
  } else if (name == "memory") {
    auto m = parse_memory_mib(value);
    if (!m) return fail(annotation_error(key, value, m.error().message));
    if (*m < d.min_guest_mib)
      return fail(annotation_error(key, value, "a guest needs at least " + std::to_string(d.min_guest_mib) + " MiB"));
    if (limit && *m + d.vmm_overhead_mib > *limit)
      return fail(annotation_error(key, value,
                                   std::to_string(*m) + " MiB for the guest plus about " +
                                       std::to_string(d.vmm_overhead_mib) + " MiB for the VMM exceed the memory limit of " +
                                       std::to_string(*limit) + " MiB"));
    s.memory_mib = *m;
  } else if (name == "cmdline") {
    if (has_control_chars(value)) return fail(annotation_error(key, value, "control characters in a kernel command line"));
    s.extra_cmdline = value;
  } else if (name == "machine") {
    if (!plausible_machine(value)) return fail(annotation_error(key, value, "not a QEMU machine type"));
    s.machine = value;
  } else if (name == "network") {
    auto n = parse_net(lower(value));
    if (!n) return fail(annotation_error(key, value, "not auto, none or tap"));
    s.net = *n;
  } else if (name == "shutdown-timeout") {
    auto t = parse_go_duration(value);
    if (!t || t->count() < 0) return fail(annotation_error(key, value, "not a duration like 10s or 500ms"));
    s.shutdown_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*t);
  } else {
    return fail_user("unknown annotation " + std::string(key) +
                     " (runz.vm.* knows vmm, accel, vcpus, memory, cmdline, machine, network, shutdown-timeout)");
  }
  return {};
}

}  // namespace

std::string_view to_string(Accel accel) {
  switch (accel) {
    case Accel::automatic: return "auto";
    case Accel::kvm: return "kvm";
    case Accel::tcg: return "tcg";
  }
  return "?";
}

std::string_view to_string(NetMode mode) {
  switch (mode) {
    case NetMode::automatic: return "auto";
    case NetMode::none: return "none";
    case NetMode::tap: return "tap";
  }
  return "?";
}

std::optional<Accel> parse_accel(std::string_view text) {
  if (text == "auto") return Accel::automatic;
  if (text == "kvm") return Accel::kvm;
  if (text == "tcg") return Accel::tcg;
  return std::nullopt;
}

Result<uint64_t> parse_memory_mib(std::string_view text) {
  std::string_view t = trim(text);
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  auto number = parse_uint(t.substr(0, digits));
  std::string unit = lower(t.substr(digits));
  auto bad = [&] { return fail_user("not a size (use e.g. 128M, 1G or a number of MiB)"); };
  if (!number || *number == 0) return bad();
  uint64_t mib = 0;
  if (unit.empty() || unit == "m" || unit == "mi" || unit == "mib" || unit == "mb") {
    mib = *number;
  } else if (unit == "g" || unit == "gi" || unit == "gib" || unit == "gb") {
    if (*number > kMaxMemoryMib >> 10) return fail_user("larger than any host");
    mib = *number << 10;
  } else if (unit == "k" || unit == "ki" || unit == "kib" || unit == "kb") {
    if (*number % 1024) return fail_user("not a whole number of MiB");
    mib = *number >> 10;
  } else {
    return bad();
  }
  if (mib > kMaxMemoryMib) return fail_user("larger than any host");
  return mib;
}

Result<unsigned> count_cpuset(std::string_view cpus) {
  std::vector<bool> seen(kMaxCpuIndex + 1);
  unsigned count = 0;
  auto bad = [&] {
    std::string msg = "\"";  // built by appending: GCC 12 warns falsely on "\"" + std::string
    msg.append(cpus).append("\" is not a CPU list like 0-2,4");
    return fail_user(std::move(msg));
  };
  for (const auto& part : split(cpus, ',')) {
    std::string_view p = trim(part);
    size_t dash = p.find('-');
    auto lo = parse_uint(p.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parse_uint(p.substr(dash + 1));
    if (!lo || !hi || *lo > *hi || *hi > kMaxCpuIndex) return bad();
    for (uint64_t c = *lo; c <= *hi; ++c)
      if (!seen[c]) seen[c] = true, ++count;
  }
  return count;
}

Result<VmSettings> vm_settings(const std::map<std::string, std::string>& annotations, const VmDefaults& d,
                               const ResourceHints& hints) {
  VmSettings s;
  s.accel = d.accel;
  s.vcpus = d.vcpus;
  s.memory_mib = d.memory_mib;
  s.shutdown_timeout = std::chrono::seconds(d.shutdown_timeout_s);
  if (hints.cpu_quota && *hints.cpu_quota > 0) {
    s.vcpus = vcpus_from_quota(*hints.cpu_quota, hints.cpu_period);
  } else if (!trim(hints.cpuset_cpus).empty()) {
    auto n = count_cpuset(hints.cpuset_cpus);
    if (!n) return fail_user("linux.resources.cpu.cpus: " + n.error().message);
    s.vcpus = std::min(*n, kMaxVcpus);
  }
  TRY(std::optional<uint64_t> limit, limit_mib(hints, d));
  if (limit) s.memory_mib = *limit - d.vmm_overhead_mib;
  for (const auto& [key, value] : annotations)
    if (key.starts_with(kPrefix)) TRYV(apply_annotation(s, key, value, d, limit));
  return s;
}

}  // namespace runz::backends::vm
