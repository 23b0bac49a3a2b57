#include "backends/backend.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/proc.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace runz::backends {

Result<std::string> HostContext::config_text() const {
  if (config_path.empty() || !path_exists(config_path)) return std::string();
  return with_context(read_file(config_path), "host configuration");
}

Result<pid_t> create_monitor_init(const CreateRequest& request) {
  return make_process_backend()->create(request);
}

Result<pid_t> Backend::exec(const ExecRequest&) {
  return fail_user("exec is not supported for " + std::string(kind()) + " containers");
}

Result<void> Backend::signal(const oci::ContainerRecord& record, int sig) {
  // A pidfd pins the process: once it is open, a recycled pid cannot be hit by mistake.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, record.pid, 0)));
  if (!pidfd || !linux::process_is(record.pid, record.pid_start))
    return fail(Error{ESRCH, "container not running"});
  if (::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0) != 0)
    return fail_sys("signal container init");
  return {};
}

}  // namespace runz::backends
