// linux.seccomp: compile the config.json profile into a libseccomp filter, then load it.
//
// Compile in the runtime (before fork/clone) so a bad profile fails `create` early with an
// error naming the field; install in the container's init, right before execve. Neither
// throws. install_seccomp still allocates (libseccomp generates the BPF in seccomp_load), so
// call it in a child of a single-threaded parent, as the rest of the init does.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace runz::linux {

// A compiled filter: owns the libseccomp context (scmp_filter_ctx). Move-only.
class SeccompProgram {
 public:
  SeccompProgram() = default;

  bool empty() const { return ctx_ == nullptr; }

 private:
  struct Release {
    void operator()(void* ctx) const noexcept;
  };
  std::unique_ptr<void, Release> ctx_;
  bool notify_ = false;             // at least one SCMP_ACT_NOTIFY rule made it into the filter
  std::string listener_path_;       // linux.seccomp.listenerPath
  std::string listener_metadata_;   // linux.seccomp.listenerMetadata

  friend Result<SeccompProgram> compile_seccomp(std::string_view seccomp_json);
  friend Result<int> install_seccomp(const SeccompProgram& program);
  friend bool needs_notify_listener(const SeccompProgram& program);
  friend std::string listener_path(const SeccompProgram& program);
  friend std::string listener_metadata(const SeccompProgram& program);
};

// Parse and validate linux.seccomp (the JSON text of oci::Spec::linux.seccomp_json) and
// build the filter. Errors name the field: "linux.seccomp.syscalls[3].action: unknown
// action \"SCMP_ACT_FOO\"". Syscall names this libseccomp does not know are skipped (as
// runc and crun do); rules whose action equals the default action are skipped.
// The filter does not set no_new_privs itself (libseccomp's NNP attribute is off): the
// caller either sets it (process.noNewPrivileges) or installs while it still has
// CAP_SYS_ADMIN, as runc does.
Result<SeccompProgram> compile_seccomp(std::string_view seccomp_json);

// Load the filter into the calling process (with SECCOMP_FILTER_FLAG_TSYNC when the profile
// asks for it). Returns the seccomp notify fd when the profile uses SCMP_ACT_NOTIFY, else -1.
// The caller owns that fd: it must send it at once to listener_path() with SCM_RIGHTS plus
// the container process state (and listener_metadata() as "metadata"), then close it.
Result<int> install_seccomp(const SeccompProgram& program);

// True when install_seccomp will return a notify fd for a listener.
bool needs_notify_listener(const SeccompProgram& program);
// linux.seccomp.listenerPath ("" when unset); required when SCMP_ACT_NOTIFY is used.
std::string listener_path(const SeccompProgram& program);
// linux.seccomp.listenerMetadata ("" when unset).
std::string listener_metadata(const SeccompProgram& program);

// What this build understands, for `runz features` (linux.seccomp.*).
const std::vector<std::string>& seccomp_known_actions();
const std::vector<std::string>& seccomp_known_operators();
const std::vector<std::string>& seccomp_known_flags();       // every flag the spec names
std::vector<std::string> seccomp_supported_flags();          // the ones this libseccomp can set
std::vector<std::string> seccomp_known_architectures();      // the spec names libseccomp resolves

}  // namespace runz::linux
