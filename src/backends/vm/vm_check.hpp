// What this host offers the vm kind, for `runz check`.
#pragma once

#include <string>

#include "backends/backend.hpp"

namespace runz::backends::vm {

// Lines of "name: value" text: VMMs found, accelerators and whether they are fast, guest
// kernels configured.
std::string vm_host_report(const HostContext& host);

}  // namespace runz::backends::vm
