#include "linux/console.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <termios.h>
#include <unistd.h>

#include "linux/sync_channel.hpp"
#include "util/fd.hpp"

namespace runz::linux {

// runtime.md: the container's pty is also its /dev/console.
static Result<void> bind_dev_console(const char* pty) {
  Fd console(::open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!console && errno != EEXIST) return fail_sys("create /dev/console");
  console.reset();
  if (::mount(pty, "/dev/console", nullptr, MS_BIND, nullptr) != 0) return fail_sys("bind pty to /dev/console");
  return {};
}

Result<void> setup_console(int console_socket, const std::optional<oci::ConsoleSize>& size, uint32_t uid,
                           bool dev_console) {
  Fd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) return fail_sys("open /dev/ptmx (is devpts mounted at /dev/pts?)");
  if (::unlockpt(master.get()) != 0) return fail_sys("unlockpt");
  char name[128];
  if (::ptsname_r(master.get(), name, sizeof name) != 0) return fail_sys("ptsname");
  Fd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) return fail_sys(std::string("open ") + name);
  if (::fchown(slave.get(), uid, static_cast<gid_t>(-1)) != 0 && errno != EINVAL) return fail_sys("chown pty");
  if (size && (size->height || size->width)) {
    winsize ws{static_cast<unsigned short>(size->height), static_cast<unsigned short>(size->width), 0, 0};
    if (::ioctl(master.get(), TIOCSWINSZ, &ws) != 0) return fail_sys("set console size");
  }
  if (dev_console) TRYV(bind_dev_console(name));
  TRYV(with_context(send_fd(console_socket, master.get(), name), "send pty master to console socket"));
  master.reset();
  if (::setsid() < 0) return fail_sys("setsid");
  if (::ioctl(slave.get(), TIOCSCTTY, 0) != 0) return fail_sys("set controlling terminal");
  for (int fd = 0; fd < 3; ++fd)
    if (::dup3(slave.get(), fd, 0) < 0) return fail_sys("dup pty to stdio");
  return {};
}

}  // namespace runz::linux
