#include "core/run.hpp"

#include "core/foreground.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux/sync_channel.hpp"
#include "oci/spec.hpp"
#include "util/fs.hpp"

namespace runz::core {

Result<int> run_container(Runtime& runtime, const RunOptions& o) {
  // Read once: whether a terminal is needed, then the same config for create. A bundle
  // that does not load is left to create, which reports it.
  auto config = oci::load_bundle_config(o.create.bundle);
  const oci::BundleConfig* loaded = config ? &*config : nullptr;
  bool terminal = loaded && loaded->spec.process && loaded->spec.process->terminal;
  CreateOptions create = o.create;
  Fd ours, theirs;
  if (terminal && create.console_socket.empty()) {
    if (o.detach) return fail_user("cannot allocate a tty for a detached container without --console-socket");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return fail_sys("socketpair");
    ours.reset(sv[0]);
    theirs.reset(sv[1]);
    create.console_fd = theirs.get();
  }
  sigset_t all, old;
  sigfillset(&all);
  if (!o.detach) ::sigprocmask(SIG_BLOCK, &all, &old);
  auto unblock = [&] {
    if (!o.detach) ::sigprocmask(SIG_SETMASK, &old, nullptr);
  };
  auto pid = runtime.create(create, loaded);
  if (!pid) {
    unblock();
    return fail(std::move(pid.error()));
  }
  Fd master;
  if (ours) {
    auto m = linux::receive_fd(ours.get());
    if (!m) {
      (void)runtime.remove(create.id, true);
      unblock();
      return fail(std::move(m.error()));
    }
    master = std::move(*m);
  }
  if (auto r = runtime.start(create.id); !r) {
    (void)runtime.remove(create.id, true);
    unblock();
    return fail(std::move(r.error()));
  }
  if (o.detach) return 0;

  auto code = foreground(*pid, master ? master.get() : -1);
  if (!o.keep) (void)runtime.remove(create.id, true);
  unblock();
  return code;
}

}  // namespace runz::core
