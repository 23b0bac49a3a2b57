#include "linux/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cctype>

#include "util/log.hpp"

namespace runz::linux {
namespace {

// CAP_CHOWN → its number; -1 when the name is unknown; -2 when this kernel lacks it.
int cap_number(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  cap_value_t v;
  if (cap_from_name(lower.c_str(), &v) != 0) return -1;
  if (v >= static_cast<int>(cap_max_bits())) return -2;
  return v;
}

std::vector<cap_value_t> numbers(const std::vector<std::string>& names) {
  std::vector<cap_value_t> out;
  for (auto& n : names) {
    int v = cap_number(n);
    if (v >= 0) out.push_back(v);
    else if (v == -2) log::warn("capability " + n + " is not known to this kernel; ignored");
  }
  return out;
}

}  // namespace

Result<void> drop_bounding_set(const oci::CapabilitySets& s) {
  auto keep = numbers(s.bounding);
  for (cap_value_t c = 0; c < static_cast<cap_value_t>(cap_max_bits()); ++c) {
    if (std::find(keep.begin(), keep.end(), c) != keep.end()) continue;
    if (cap_drop_bound(c) != 0 && errno != EINVAL) return fail_sys("drop capability from bounding set");
  }
  return {};
}

Result<void> apply_capability_sets(const oci::CapabilitySets& s) {
  cap_t caps = cap_init();
  if (!caps) return fail_sys("cap_init");
  auto set = [&](cap_flag_t flag, const std::vector<std::string>& names) {
    auto v = numbers(names);
    if (!v.empty()) cap_set_flag(caps, flag, static_cast<int>(v.size()), v.data(), CAP_SET);
  };
  set(CAP_EFFECTIVE, s.effective);
  set(CAP_PERMITTED, s.permitted);
  set(CAP_INHERITABLE, s.inheritable);
  int rc = cap_set_proc(caps);
  int err = errno;
  cap_free(caps);
  if (rc != 0) return fail_sys("set capabilities (a requested capability is outside runz's own bounding set?)", err);
  if (cap_reset_ambient() != 0 && errno != EINVAL) return fail_sys("reset ambient capabilities");
  // Like runc: an ambient capability that is not also permitted and inheritable cannot be
  // raised; that is a warning, not a failure.
  for (cap_value_t c : numbers(s.ambient))
    if (cap_set_ambient(c, CAP_SET) != 0) log::debug(std::string("cannot raise ambient capability ") + cap_to_name(c));
  return {};
}

Result<void> drop_capabilities(const std::vector<int>& caps) {
  for (int c : caps)
    if (cap_drop_bound(c) != 0 && errno != EINVAL)
      return fail_sys("drop capability " + std::to_string(c) + " from the bounding set");
  cap_t now = cap_get_proc();
  if (!now) return fail_sys("read the process's capabilities");
  std::vector<cap_value_t> values(caps.begin(), caps.end());
  int n = static_cast<int>(values.size());
  bool ok = n == 0 || (cap_set_flag(now, CAP_EFFECTIVE, n, values.data(), CAP_CLEAR) == 0 &&
                       cap_set_flag(now, CAP_PERMITTED, n, values.data(), CAP_CLEAR) == 0 &&
                       cap_set_flag(now, CAP_INHERITABLE, n, values.data(), CAP_CLEAR) == 0 && cap_set_proc(now) == 0);
  int err = errno;
  cap_free(now);
  if (!ok) return fail_sys("drop capabilities", err);
  for (int c : caps)
    if (cap_set_ambient(c, CAP_CLEAR) != 0 && errno != EINVAL && errno != EPERM)
      return fail_sys("lower an ambient capability");
  return {};
}

}  // namespace runz::linux
