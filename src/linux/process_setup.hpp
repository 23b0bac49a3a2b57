// The last steps of a container process before exec: limits, identity, privileges.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::linux {

Result<void> apply_rlimits(const std::vector<oci::Rlimit>& rlimits);
Result<void> set_oom_score_adj(int value);
Result<void> set_personality(const std::string& domain);
// setgroups, setresgid, setresuid; capabilities survive for apply_capability_sets.
Result<void> switch_user(const oci::User& user);
Result<void> set_no_new_privileges();
// Bounding set, user, capability sets, no_new_privs: in the order the kernel needs.
Result<void> apply_identity(const oci::Process& process);
// Handlers do not survive exec, but ignored signals and the mask do: runz ignores SIGPIPE
// and `run` blocks everything, so undo both before the container's process runs.
void reset_signal_state();
// args[0] resolved against PATH from env (runc's default PATH when env has none).
Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env);
// CVE-2024-21626: the working directory must be inside the container's root.
Result<void> enter_cwd(const std::string& cwd);
// Close every fd above 2 + preserve_fds except those in `keep` (made close-on-exec instead).
void close_inherited_fds(int preserve_fds, std::initializer_list<int> keep = {});
// execve; returns only on failure.
Result<void> exec_process(const std::string& path, const std::vector<std::string>& args,
                          const std::vector<std::string>& env);

}  // namespace runz::linux
