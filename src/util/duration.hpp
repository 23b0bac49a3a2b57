// Go's duration syntax (time.ParseDuration), which runc's flags take: "5s", "500ms",
// "1m30s", "1.5h", "250us", "0".
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace runz {

// nullopt when the text is not a Go duration (or overflows).
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

}  // namespace runz
