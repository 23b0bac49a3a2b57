#include "linux/seccomp_apply.hpp"

#include <unistd.h>

#include "linux/sync_channel.hpp"
#include "oci/state.hpp"
#include "util/fd.hpp"

namespace runz::linux {

Result<SeccompPlan> plan_seccomp(const std::string& seccomp_json, const oci::Process& process) {
  SeccompPlan plan;
  if (seccomp_json.empty()) return plan;
  TRY(plan.program, compile_seccomp(seccomp_json));
  plan.early = !process.no_new_privileges;
  return plan;
}

Result<void> load_seccomp(const SeccompPlan& plan, int listener, const std::string& state_json) {
  if (plan.program.empty()) return {};
  TRY(int notify, install_seccomp(plan.program));
  if (notify < 0) return {};
  Fd owned(notify);
  if (listener < 0) return fail_user("linux.seccomp: SCMP_ACT_NOTIFY needs listenerPath");
  // seccomp-notify.md: the state document with "fds": ["seccompFd"] and the metadata.
  std::string msg = oci::seccomp_listener_state(listener_metadata(plan.program), state_json);
  return with_context(send_fd(listener, owned.get(), msg), "send seccomp notify fd to listenerPath");
}

}  // namespace runz::linux
