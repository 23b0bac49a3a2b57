#include "backends/resource_hints.hpp"

#include "linux/resources.hpp"

namespace runz::backends {

Result<ResourceHints> resource_hints(const oci::Spec& spec) {
  TRY(linux::Resources r, linux::parse_resources(spec.linux.resources_json));
  ResourceHints h;
  if (r.cpu) {
    if (r.cpu->quota && *r.cpu->quota > 0) h.cpu_quota = r.cpu->quota;
    h.cpu_period = r.cpu->period;
    if (r.cpu->cpus) h.cpuset_cpus = *r.cpu->cpus;
  }
  if (r.memory && r.memory->limit && *r.memory->limit > 0) h.memory_limit = r.memory->limit;
  return h;
}

}  // namespace runz::backends
