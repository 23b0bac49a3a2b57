#include <unistd.h>

#include <thread>

#include "linux/cgroup_drivers.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {

Result<std::vector<pid_t>> read_cgroup_procs(const std::string& dir) {
  TRY(std::string text, read_file(dir + "/cgroup.procs"));
  std::vector<pid_t> out;
  for (auto& line : split(text, '\n'))
    if (auto v = parse_int(line)) out.push_back(static_cast<pid_t>(*v));
  return out;
}

Result<void> remove_cgroup_dir(const std::string& dir) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY) return fail_sys("remove cgroup " + dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return fail_sys("remove cgroup " + dir, EBUSY);
}

}  // namespace runz::linux
