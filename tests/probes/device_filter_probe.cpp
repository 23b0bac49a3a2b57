// Integration probe (root): attach runz's eBPF device filter to a fresh cgroup2 directory,
// move a child into it and check what the kernel lets it open. Exit 0 pass, 1 fail, 77 skip.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "linux/device_filter.hpp"
#include "util/fs.hpp"

using namespace runz;

static std::string cgroup2_root() {
  for (const char* dir : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"})
    if (path_exists(std::string(dir) + "/cgroup.procs") && path_exists(std::string(dir) + "/cgroup.controllers")) return dir;
  return "";
}

int main() {
  if (::geteuid() != 0) {
    std::puts("SKIP: needs root");
    return 77;
  }
  std::string root = cgroup2_root();
  if (root.empty()) {
    std::puts("SKIP: no cgroup2 hierarchy on this host");
    return 77;
  }
  std::string dir = root + "/runz-devfilter-probe-" + std::to_string(::getpid());
  if (::mkdir(dir.c_str(), 0755) != 0) {
    std::perror("mkdir");
    return 1;
  }
  using linux::DeviceRule;
  auto attached = linux::attach_device_filter(
      dir, {DeviceRule{false, 'a', {}, {}, "rwm"}, DeviceRule{true, 'c', 1, 3, "rw"}});
  int rc = 1;
  if (!attached) {
    std::printf("FAIL: %s\n", attached.error().message.c_str());
  } else {
    pid_t child = ::fork();
    if (child == 0) {
      if (!write_existing(dir + "/cgroup.procs", std::to_string(::getpid()))) ::_exit(10);
      int null_fd = ::open("/dev/null", O_RDWR);
      int zero_fd = ::open("/dev/zero", O_RDONLY);
      ::_exit((null_fd >= 0 ? 0 : 1) | (zero_fd < 0 && errno == EPERM ? 0 : 2));
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 99;
    if (code == 0) {
      std::puts("PASS: /dev/null allowed, /dev/zero denied by the eBPF device filter");
      rc = 0;
    } else {
      std::printf("FAIL: child code %d (1: /dev/null denied, 2: /dev/zero allowed, 10: could not join)\n", code);
    }
  }
  ::rmdir(dir.c_str());
  return rc;
}
