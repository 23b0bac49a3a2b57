// The config.json that `runz spec` writes: runc's defaults, or its rootless variant.
#pragma once

#include <sys/types.h>

#include <string>

namespace runz::oci {

std::string default_spec_json(bool rootless, uid_t uid, gid_t gid);

}  // namespace runz::oci
