// Choosing the workload kind for a container (DESIGN.md, "Choosing the kind").
#pragma once

#include <memory>

#include "backends/backend.hpp"
#include "oci/spec.hpp"

namespace runz::core {

Result<std::unique_ptr<backends::Backend>> backend_for(const oci::Spec& spec, const std::string& rootfs,
                                                      const backends::HostContext& host);
Result<std::unique_ptr<backends::Backend>> backend_for_kind(std::string_view kind, const backends::HostContext& host);

}  // namespace runz::core
