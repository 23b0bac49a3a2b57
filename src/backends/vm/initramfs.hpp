// The initramfs a Linux guest boots with: our static init, the process to run, and the
// kernel modules the init loads before it mounts the container's rootfs over virtio-9p.
//
// Layout (an uncompressed newc cpio, which the kernel unpacks as it is):
//   /init                       the runz-guest-init binary (0755)
//   /dev/console                char 5:1, so the kernel gives init a console on fds 0-2
//   /runz/process               encode_guest_process() output
//   /runz/modules               one absolute guest path per line, in load order
//   /runz/modules.d/<name>.ko   the module files
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace runz::backends::vm {

struct InitramfsContent {
  std::string init_binary;           // host path of runz-guest-init
  std::string process;               // encode_guest_process(...)
  std::vector<std::string> modules;  // host paths of .ko files in load order (find_guest_modules)
};

// The archive as bytes (for tests and for callers that want it in memory).
Result<std::string> build_initramfs(const InitramfsContent& content);
// Build it and write it to out_path atomically (mode 0644).
Result<void> write_initramfs(const std::string& out_path, const InitramfsContent& content);

}  // namespace runz::backends::vm
