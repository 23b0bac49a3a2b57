#include "core/hooks.hpp"

#include "linux/run_hook.hpp"
#include "util/log.hpp"

namespace runz::core {

Result<void> run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state, std::string_view phase) {
  for (auto& h : hooks) TRYV(with_context(linux::run_hook(h, state), std::string(phase) + " hook"));
  return {};
}

void run_hooks_warn(const std::vector<oci::Hook>& hooks, const std::string& state, std::string_view phase) {
  for (auto& h : hooks)
    if (auto r = linux::run_hook(h, state); !r) log::warn(std::string(phase) + " hook: " + r.error().message);
}

}  // namespace runz::core
