#include "backends/monitor_io.hpp"

#include <unistd.h>

namespace runz::backends {

void monitor_say(const std::string& text) {
  std::string line = "runz: " + text + "\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace runz::backends
