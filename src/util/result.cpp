#include "util/result.hpp"

#include <cstring>

namespace runz {

Error sys_error(std::string_view what, int err) {
  return Error{err, std::string(what) + ": " + std::strerror(err)};
}

Error user_error(std::string message) { return Error{0, std::move(message)}; }

}  // namespace runz
