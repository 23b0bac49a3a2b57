// Facts about host processes read from /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace runz::linux {

struct ProcStat {
  char state = '?';       // R S D Z T ...
  uint64_t start_time = 0;  // clock ticks since boot
};

std::optional<ProcStat> read_proc_stat(pid_t pid);
// True when pid is alive (not a zombie) and is the process that started at start_time.
bool process_is(pid_t pid, uint64_t start_time);

}  // namespace runz::linux
