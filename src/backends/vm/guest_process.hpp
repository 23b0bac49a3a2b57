// The process a Linux guest runs, as the host writes it into the initramfs (/runz/process)
// and runz-guest-init reads it back. Kept to the STL and util/result so the static guest
// init can compile this file without the rest of runzlib.
//
// Format (version 1): a sequence of NUL-terminated records. The first record is the magic
// "runz-guest-process/1"; every other record is "key=value" (the value runs to the NUL and
// may hold '=' and newlines; only NUL cannot appear, as in any argv or environ string):
//   arg=STRING       repeated, argv in order; at least one
//   env=NAME=VALUE   repeated, environ in order
//   cwd=/ABS/PATH    once (default "/")
//   uid=DECIMAL      once (default 0)
//   gid=DECIMAL      once (default 0)
//   group=DECIMAL    repeated, the additional gids in order
//   umask=OCTAL      optional (absent: the guest keeps 022)
//   hostname=STRING  optional (absent: leave the guest's)
//   terminal=0|1     optional (default 0): 1 makes the console the process's controlling tty
// An unknown key, a malformed number or a missing magic is an error: the writer and the
// reader are built from the same tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

inline constexpr std::string_view kGuestProcessMagic = "runz-guest-process/1";

struct GuestProcess {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;
  std::optional<uint32_t> umask;
  std::string hostname;  // empty: keep the guest's
  bool terminal = false;
};

std::string encode_guest_process(const GuestProcess& process);
// What the runtime calls: the container's process and hostname (may be empty).
std::string encode_guest_process(const oci::Process& process, const std::string& hostname);
Result<GuestProcess> decode_guest_process(std::string_view data);

}  // namespace runz::backends::vm
