#include "linux/tap.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include <cstring>

namespace runz::linux {

Result<Fd> create_tap(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return fail_user("tap name \"" + name + "\" is not a valid interface name");
  Fd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  if (!fd) return fail_sys("open /dev/net/tun");
  ifreq req{};
  std::memcpy(req.ifr_name, name.c_str(), name.size());
  // IFF_TUN_EXCL: never attach to an existing device of that name (one we did not make).
  req.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL;
  if (::ioctl(fd.get(), TUNSETIFF, &req) != 0) return fail_sys("create tap " + name);
  return fd;
}

}  // namespace runz::linux
