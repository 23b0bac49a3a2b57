// config.json mount options → mount(2) flags, propagation, mount_setattr(2) attributes
// and the data string, the way runc and crun read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace runz::linux {

struct MountOptions {
  unsigned long flags = 0;             // MS_RDONLY, MS_NOSUID, ... (MS_BIND|MS_REC for rbind)
  unsigned long clear = 0;             // flags an option turned off (rw, suid, ...)
  std::vector<unsigned long> propagation;  // MS_SHARED, MS_SLAVE|MS_REC, ... in order
  uint64_t attr_set = 0;               // recursive attributes: rro, rnosuid, ...
  uint64_t attr_clr = 0;
  std::string data;                    // everything else, comma-joined, for the filesystem
  bool bind() const;
};

Result<MountOptions> parse_mount_options(const std::vector<std::string>& options);
// Every option name parse_mount_options understands, for features.json.
std::vector<std::string> known_mount_options();

}  // namespace runz::linux
