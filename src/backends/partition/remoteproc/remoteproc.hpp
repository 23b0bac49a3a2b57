// A remote processor through Linux's remoteproc sysfs (drivers/remoteproc/remoteproc_sysfs.c):
// `firmware` names a file on the firmware search path and may only change while the core is
// offline (EBUSY), `state` takes start/stop and reads offline/running/crashed/...
#pragma once

#include <string>

#include "util/result.hpp"

namespace runz::backends::partition::remoteproc {

class RemoteProc {
 public:
  // dir: <remoteproc_sysfs>/<remoteprocN>
  explicit RemoteProc(std::string dir) : dir_(std::move(dir)) {}

  bool exists() const;
  Result<std::string> state() const;  // "offline", "running", "crashed", ... (no newline)
  // EBUSY becomes "remoteprocN is <state>: its firmware can only be set while it is offline".
  Result<void> set_firmware(const std::string& name) const;
  Result<void> start() const;
  Result<void> stop() const;

  const std::string& dir() const { return dir_; }

 private:
  Result<void> write(const std::string& file, const std::string& value) const;
  std::string dir_;
};

// The firmware file name a container's image is installed under: "runz-<name>.elf".
std::string firmware_name_for(const std::string& cell_name);

}  // namespace runz::backends::partition::remoteproc
