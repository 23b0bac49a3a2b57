// The features.json document of the runtime spec: what this build of runz supports.
#pragma once

#include <string>

namespace runz::core {

std::string features_json();

}  // namespace runz::core
