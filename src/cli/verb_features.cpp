#include <cstdio>

#include "cli/command.hpp"
#include "core/features.hpp"

namespace runz::cli {

Command features_command() {
  Command c{"features", "features", "Print the features this runtime supports (features.json).", {}, nullptr};
  c.run = [c](Context&, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 0, 0));
    std::printf("%s\n", core::features_json().c_str());
    return 0;
  };
  return c;
}

}  // namespace runz::cli
