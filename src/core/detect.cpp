#include "core/detect.hpp"

#include "backends/partition/boot_config.hpp"
#include "backends/partition/partition_host.hpp"
#include "backends/vm/guest_file.hpp"
#include "backends/vm/guest_image.hpp"

namespace runz::core {
namespace {

// Kubernetes' pod sandbox ("pause") container holds the pod's namespaces: always a process,
// whatever the pod's annotations ask of its workload containers.
bool is_pod_sandbox(const oci::Spec& spec) {
  for (const char* key : {"io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType"})
    if (auto it = spec.annotations.find(key); it != spec.annotations.end() && it->second == "sandbox") return true;
  return spec.process && !spec.process->args.empty() &&
         (spec.process->args[0] == "/pause" || spec.process->args[0].ends_with("/pause"));
}

// The image boots in a VM: process.args[0] (or a boot config's kernel) is a guest kernel
// (PVH, multiboot, Hermit, a Linux kernel image) rather than a Linux program. Anything
// unreadable is left to the process kind to report.
bool boots_in_vm(const oci::Spec& spec, const std::string& rootfs, bool has_boot_config) {
  auto guest = backends::vm::find_guest(spec, rootfs, has_boot_config);
  return guest && guest->image.format != backends::vm::GuestFormat::not_a_guest;
}

}  // namespace

Result<std::unique_ptr<backends::Backend>> backend_for_kind(std::string_view kind, const backends::HostContext& host) {
  if (kind == "process") return backends::make_process_backend();
  if (kind == "vm") return backends::make_vm_backend(host);
  if (kind == "partition") return backends::make_partition_backend(host);
  return fail_user("unknown workload kind \"" + std::string(kind) + "\" (annotation runz.workload)");
}

Result<std::unique_ptr<backends::Backend>> backend_for(const oci::Spec& spec, const std::string& rootfs,
                                                      const backends::HostContext& host) {
  if (is_pod_sandbox(spec)) return backend_for_kind("process", host);
  // 1. An explicit annotation always wins.
  if (auto it = spec.annotations.find("runz.workload"); it != spec.annotations.end())
    return backend_for_kind(it->second, host);
  // 2. runPHI's boot config: a partition when the host has a partitioning backend; without
  // one, a VM when its kernel (or args[0]) can boot in one (rule 3), else a process.
  const bool boot_config = backends::partition::has_boot_config(rootfs);
  if (boot_config) {
    TRY(auto platform, backends::partition::load_host_platform(host));
    if (platform.enabled()) return backend_for_kind("partition", host);
  }
  // 3. A guest kernel as process.args[0] (or named by the boot config).
  if (boots_in_vm(spec, rootfs, boot_config)) return backend_for_kind("vm", host);
  return backend_for_kind("process", host);
}

}  // namespace runz::core
