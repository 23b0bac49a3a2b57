// pause, resume, ps, stats (events) and update: what runz does to a live container's cgroup.
#include "core/runtime.hpp"
#include "linux/cgroup.hpp"
#include "linux/cgroup_apply.hpp"
#include "linux/device_rules.hpp"
#include "linux/proc.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::core {
namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

std::string quoted(std::string_view id) { return "container " + std::string(id); }

Result<std::unique_ptr<linux::CgroupManager>> cgroup_of(std::string_view id, const oci::ContainerRecord& record) {
  if (record.cgroup_path.empty()) return fail_user(quoted(id) + " has no cgroup");
  return linux::make_cgroup_manager(record.cgroup_path);
}

// cgroup v2 keeps quota and period in one file (cpu.max "QUOTA PERIOD"): an update of the
// period alone must keep the quota there, as runc keeps the value it had.
void keep_v2_quota(const linux::CgroupManager& cg, linux::Resources& r) {
  if (cg.layout() != linux::CgroupLayout::v2 || !r.cpu || !r.cpu->period || *r.cpu->period == 0) return;
  if (r.cpu->quota && *r.cpu->quota != 0) return;
  auto text = read_file(std::string(kCgroupRoot) + cg.path() + "/cpu.max");
  if (!text) return;
  auto parts = split(trim(*text), ' ');
  if (parts.empty()) return;
  if (parts[0] == "max") r.cpu->quota = -1;
  else if (auto q = parse_int(parts[0])) r.cpu->quota = *q;
}

}  // namespace

Result<std::string> Runtime::status(std::string_view id) {
  TRY(ContainerDir dir, store_.open(id, false));
  TRY(oci::ContainerRecord record, dir.load());
  return container_status(dir, record);
}

Result<void> Runtime::pause(std::string_view id) {
  TRY(ContainerDir dir, store_.open(id));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status == "paused") return fail_user(quoted(id) + " is already paused");
  if (status != "running" && status != "created")
    return fail_user(quoted(id) + " is not running (it is " + status + "): only a running or created container can be paused");
  TRY(auto cg, cgroup_of(id, record));
  return with_context(cg->freeze(), "pause");
}

Result<void> Runtime::resume(std::string_view id) {
  TRY(ContainerDir dir, store_.open(id));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status != "paused") return fail_user(quoted(id) + " is not paused (it is " + status + ")");
  TRY(auto cg, cgroup_of(id, record));
  return with_context(cg->thaw(), "resume");
}

Result<std::vector<pid_t>> Runtime::pids(std::string_view id) {
  TRY(ContainerDir dir, store_.open(id, false));
  TRY(oci::ContainerRecord record, dir.load());
  if (record.cgroup_path.empty()) {
    // No cgroup: the init is all we know of.
    if (linux::process_is(record.pid, record.pid_start)) return std::vector<pid_t>{record.pid};
    return std::vector<pid_t>{};
  }
  auto cg = linux::make_cgroup_manager(record.cgroup_path);
  auto pids = cg->pids();
  // A cgroup that is gone holds no process (runc prints an empty list for a stopped container).
  if (!pids && pids.error().code == ENOENT) return std::vector<pid_t>{};
  return pids;
}

Result<linux::CgroupStats> Runtime::stats(std::string_view id) {
  TRY(ContainerDir dir, store_.open(id, false));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status == "stopped") return fail_user(quoted(id) + " is not running");
  TRY(auto cg, cgroup_of(id, record));
  return linux::read_cgroup_stats(*cg, kCgroupRoot);
}

Result<void> Runtime::update(std::string_view id, const linux::Resources& resources) {
  TRY(ContainerDir dir, store_.open(id));
  TRY(oci::ContainerRecord record, dir.load());
  std::string status = container_status(dir, record);
  if (status == "stopped") return fail_user("cannot update " + quoted(id) + ": it is stopped (not running)");
  TRY(auto cg, cgroup_of(id, record));
  linux::Resources r = resources;
  keep_v2_quota(*cg, r);
  // A device list replaces the container's rules: keep what the container was created with
  // allowed (its linux.devices and runc's defaults), as create does. No list: rules untouched.
  if (!r.devices.empty()) {
    TRY(std::string config, read_file(dir.file("config.json")));
    TRY(oci::Spec spec, oci::parse_spec(config));
    r.devices = linux::container_device_rules(r.devices, spec.linux.devices);
    if (cg->layout() != linux::CgroupLayout::v2) {
      auto list = read_file(std::string(kCgroupRoot) + "/devices" + cg->path() + "/devices.list");
      if (list && linux::v1_device_list_matches(*list, r.devices)) r.devices.clear();
    }
  }
  return with_context(linux::apply_resources(*cg, kCgroupRoot, r), "update");
}

}  // namespace runz::core
