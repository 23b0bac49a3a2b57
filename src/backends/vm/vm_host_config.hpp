// The [vm] table of runz.toml: where the VMMs are and what a guest gets by default.
#pragma once

#include <string_view>

#include "backends/vm/vm_settings.hpp"
#include "util/result.hpp"

namespace runz::backends::vm {

// Built-in defaults where the text has no [vm] table; unknown keys and wrong types fail
// with "<source>:<line>: ...".
Result<VmDefaults> parse_vm_defaults(std::string_view toml_text, std::string_view source);

}  // namespace runz::backends::vm
