// Sizes as people write them in flags, annotations and runz.toml ("512m", "1GiB").
#pragma once

#include <cstdint>
#include <string_view>

#include "util/result.hpp"

namespace runz {

// go-units' RAMInBytes: "<number>[ ][kmgtp][i][b]", any case, binary multiples (1k = 1024);
// a fraction is allowed ("1.5g"). Negative numbers are not sizes.
Result<int64_t> parse_ram_in_bytes(std::string_view text);

}  // namespace runz
