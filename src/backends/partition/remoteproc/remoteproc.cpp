#include "backends/partition/remoteproc/remoteproc.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::partition::remoteproc {

bool RemoteProc::exists() const { return path_exists(path_join(dir_, "state")); }

Result<std::string> RemoteProc::state() const {
  TRY(std::string text, read_file(path_join(dir_, "state")));
  return std::string(trim(text));
}

// One write(2) per value: sysfs takes each write alone.
Result<void> RemoteProc::write(const std::string& file, const std::string& value) const {
  std::string path = path_join(dir_, file);
  TRY(Fd fd, open_fd(path, O_WRONLY | O_CLOEXEC));
  std::string line = value + "\n";
  ssize_t n = ::write(fd.get(), line.data(), line.size());
  if (n < 0) return fail_sys("write \"" + value + "\" to " + path);
  return {};
}

Result<void> RemoteProc::set_firmware(const std::string& name) const {
  auto r = write("firmware", name);
  if (!r && r.error().code == EBUSY) {
    auto now = state();
    return fail_user(dir_ + " is " + (now ? *now : std::string("busy")) +
                     ": its firmware can only be set while it is offline (is another program using this core?)");
  }
  return r;
}

Result<void> RemoteProc::start() const { return write("state", "start"); }
Result<void> RemoteProc::stop() const { return write("state", "stop"); }

std::string firmware_name_for(const std::string& cell_name) { return "runz-" + cell_name + ".elf"; }

}  // namespace runz::backends::partition::remoteproc
