// Namespace types ↔ clone flags, and joining namespaces by path with the type checked.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::linux {

int namespace_flag(std::string_view type);  // "pid" → CLONE_NEWPID, 0 when unknown
const char* namespace_proc_name(std::string_view type);  // "network" → "net"

struct NamespaceJoin {
  std::string type;
  int flag = 0;
  Fd fd;
};

// Open every namespace given by path and check that it is of the declared type.
Result<std::vector<NamespaceJoin>> open_namespace_paths(const oci::Linux& linux);
// Flags for the namespaces to create (those without a path), user excluded.
int new_namespace_flags(const oci::Linux& linux);
Result<void> join_namespace(const NamespaceJoin& ns);

}  // namespace runz::linux
