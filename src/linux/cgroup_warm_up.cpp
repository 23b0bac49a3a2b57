#include "linux/cgroup_warm_up.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "linux/cgroup.hpp"
#include "util/fs.hpp"

namespace runz::linux {

std::jthread warm_up_cgroup_migration() {
  return std::jthread([] {
    const char* mount = nullptr;
    switch (detect_cgroup_layout()) {
      case CgroupLayout::v2: mount = "/sys/fs/cgroup"; break;
      case CgroupLayout::hybrid: mount = "/sys/fs/cgroup/unified"; break;
      case CgroupLayout::v1: mount = "/sys/fs/cgroup/memory"; break;
    }
    std::string procs = clean_path(std::string(mount) + "/" + own_cgroup()) + "/cgroup.procs";
    int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    [[maybe_unused]] auto n = ::write(fd, "0", 1);  // "0": ourselves, into the cgroup we are in
    ::close(fd);
  });
}

}  // namespace runz::linux
