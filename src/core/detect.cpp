#include "core/detect.hpp"

namespace runz::core {

Result<std::unique_ptr<backends::Backend>> backend_for_kind(std::string_view kind, const backends::HostContext&) {
  if (kind == "process") return backends::make_process_backend();
  if (kind == "vm" || kind == "partition")
    return fail_user("workload kind \"" + std::string(kind) + "\" is not available in this build of runz");
  return fail_user("unknown workload kind \"" + std::string(kind) + "\" (annotation runz.workload)");
}

Result<std::unique_ptr<backends::Backend>> backend_for(const oci::Spec& spec, const std::string&,
                                                      const backends::HostContext& host) {
  // 1. An explicit annotation always wins. The image-based rules (boot config, guest ELF)
  // join here with the vm and partition kinds; until then everything else is a process.
  if (auto it = spec.annotations.find("runz.workload"); it != spec.annotations.end())
    return backend_for_kind(it->second, host);
  return backend_for_kind("process", host);
}

}  // namespace runz::core
