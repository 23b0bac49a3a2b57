// The partition kind: the container's workload is an RTOS or bare-metal image in a Jailhouse
// cell or on a remote processor (docs/partition.md). create allocates and builds everything
// up to a loaded, stopped workload; the container's init is a monitor (partition_monitor.hpp)
// that starts it at `runz start` and stands for it until it ends; release gives it all back.
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "backends/backend.hpp"
#include "backends/monitor_spec.hpp"
#include "backends/partition/allocator.hpp"
#include "backends/partition/annotations.hpp"
#include "backends/partition/boot_config.hpp"
#include "backends/partition/jailhouse/cell_plan.hpp"
#include "backends/partition/jailhouse/jailhouse_cli.hpp"
#include "backends/partition/partition_host.hpp"
#include "backends/partition/partition_monitor.hpp"
#include "backends/partition/remoteproc/remoteproc.hpp"
#include "backends/resource_hints.hpp"
#include "linux/proc.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace runz::backends::partition {
namespace {

using jailhouse::JailhouseCli;
using remoteproc::RemoteProc;

// The inmate's command line buffer lies 4 KiB above its load address (Jailhouse inmates).
constexpr uint64_t kCmdlineOffset = 0x1000;

JailhouseCli jailhouse_of(const PartitionPlatform& p) { return JailhouseCli(p.jailhouse, p.sysfs); }

RemoteProc remoteproc_of(const PartitionPlatform& p, const Rproc& r) {
  return RemoteProc(path_join(p.remoteproc_sysfs, r.remoteproc));
}

// Gone or stopped for good, whatever state it was in; a cell that does not exist is fine.
Result<void> teardown_cell(const JailhouseCli& jh, const std::string& name) {
  TRY(auto cell, jh.find(name));
  if (!cell) return {};
  if (cell->state != "shut down")
    if (auto r = jh.shutdown(name); !r) log::debug(r.error().message);
  return jh.destroy(name);
}

// A crashed core is recovered first (the kernel's `recovery` = recover), then stopped, so the
// next container finds it offline.
Result<void> stop_core(const RemoteProc& core) {
  TRY(std::string state, core.state());
  if (state == "crashed") {
    if (auto r = write_existing(path_join(core.dir(), "recovery"), "recover\n"); !r) return r;
    TRY(state, core.state());
  }
  if (state == "running" || state == "attached") return core.stop();
  return {};
}

WorkloadStatus cell_status(const std::string& state) {
  if (state == "running" || state == "running/locked") return {WorkloadState::running, state};
  if (state == "shut down") return {WorkloadState::ended, state};
  return {WorkloadState::failed, state};  // failed, Comm ABI mismatch, invalid
}

WorkloadStatus core_status(const std::string& state) {
  if (state == "running" || state == "attached") return {WorkloadState::running, state};
  if (state == "offline") return {WorkloadState::ended, state};
  return {WorkloadState::failed, state};  // crashed, deleted, ...
}

// Everything create made so far, undone unless create got to the end.
struct CreateUndo {
  std::function<void()> undo;
  ~CreateUndo() {
    if (undo) undo();
  }
};

class PartitionBackend final : public Backend {
 public:
  explicit PartitionBackend(HostContext host) : host_(std::move(host)) {}
  std::string_view kind() const override { return "partition"; }

  Result<void> prepare(const oci::Spec& spec, const std::string& rootfs) override {
    TRY(platform_, load_host_platform(host_));
    if (!platform_.enabled())
      return fail_user("this host has no partitioning backend: the partition kind needs a [partition] table in " +
                       (host_.config_path.empty() ? std::string("runz.toml") : host_.config_path));
    TRY(boot_, load_boot_config(rootfs));
    TRY(backends::ResourceHints hints, resource_hints(spec));
    TRY(request_, partition_request(spec.annotations, hints, boot_));
    if (spec.process && spec.process->args.size() > 1)
      args_ = join({spec.process->args.begin() + 1, spec.process->args.end()}, " ");
    if (platform_.backend == BackendKind::jailhouse) {
      if (!path_exists(platform_.jailhouse))
        return fail_user("[partition] jailhouse " + platform_.jailhouse + ": no such file (install the Jailhouse tools)");
      return {};
    }
    if (request_.rpu.empty()) request_.rpu = "any";
    return pick_rproc();
  }

  std::vector<linux::DeviceRule> init_devices() const override {
    const Rproc* r = platform_.find_rproc(request_.rpu);
    struct stat st;
    if (!r || r->rpmsg_ctrl.empty() || ::stat(r->rpmsg_ctrl.c_str(), &st) != 0 || !S_ISCHR(st.st_mode)) return {};
    return {linux::DeviceRule{true, 'c', major(st.st_rdev), minor(st.st_rdev), "rw"}};
  }

  Result<pid_t> create(const CreateRequest& req) override {
    if (platform_.backend == BackendKind::jailhouse) return create_cell(req);
    return create_on_core(req);
  }

  Result<void> signal(const oci::ContainerRecord& record, int sig) override {
    if (sig != SIGKILL) return Backend::signal(record, sig);
    // SIGKILL ends the monitor at once, without a word to the workload: the monitor goes
    // first (so its status is the signal's, not the cell's), the workload right after.
    auto killed = Backend::signal(record, sig);
    if (auto r = stop_workload(record.id); !r) log::warn("kill: " + r.error().message);
    return killed;
  }

  Result<void> release(const oci::ContainerRecord& record) override {
    TRY(platform_, load_host_platform(host_));
    if (!platform_.enabled()) return {};
    TRYV(stop_workload(record.id));
    TRY(Allocator alloc, Allocator::open(allocations_path(host_), platform_));
    if (platform_.backend == BackendKind::remoteproc) {
      std::string fw = path_join(platform_.firmware_dir, remoteproc::firmware_name_for(jailhouse::cell_name_for(record.id)));
      if (::unlink(fw.c_str()) != 0 && errno != ENOENT) log::warn("delete: remove " + fw + ": " + std::strerror(errno));
    }
    return alloc.release(record.id);
  }

 private:
  // ---- jailhouse ----

  Result<pid_t> create_cell(const CreateRequest& req) {
    JailhouseCli jh = jailhouse_of(platform_);
    if (!jh.enabled())
      return fail_user("the Jailhouse hypervisor is not enabled (" + path_join(platform_.sysfs, "enabled") +
                       " is not 1): run `jailhouse enable <system config>` first");
    TRY(Allocator alloc, Allocator::open(allocations_path(host_), platform_));
    TRY(auto cells, jh.cells());
    std::set<std::string> live;
    for (auto& c : cells) live.insert(c.name);
    TRY(auto dropped, alloc.reconcile([&](const Allocation& a) { return live.contains(jailhouse::cell_name_for(a.container_id)); }));
    for (auto& id : dropped) log::info("partition: released the resources of " + id + " (its cell is gone)");
    TRYV(destroy_orphan_cells(jh, alloc, live));

    TRY(Allocation a, alloc.allocate(req.id, request_));
    const std::string name = jailhouse::cell_name_for(req.id);
    bool cell_made = false;
    CreateUndo undo{[&] {
      if (cell_made)
        if (auto r = teardown_cell(jh, name); !r) log::warn("create: " + r.error().message);
      if (auto r = alloc.release(req.id); !r) log::warn("create: " + r.error().message);
    }};

    jailhouse::CellConfig cell = jailhouse::plan_cell(name, a, platform_, boot_);
    TRY(auto all, alloc.list());
    std::vector<Allocation> others;
    for (auto& o : all)
      if (o.container_id != req.id) others.push_back(o);
    TRY(CpuSet root_cpus, jh.root_cell_cpus());
    TRYV(with_context(jailhouse::check_cell(cell, jailhouse::check_context(platform_, others, root_cpus)),
                      "cell config for " + name));
    std::string file = path_join(path_join(host_.root, req.id), req.id + ".cell");
    TRYV(write_file_atomic(file, jailhouse::encode_cell_config(cell, jailhouse::layout_of(platform_.cell_layout)), 0600));
    TRYV(jh.create(file));
    cell_made = true;
    const uint64_t base = jailhouse::ram_virt_start(boot_);
    std::vector<jailhouse::LoadItem> load{{boot_.inmate.host_path, "", base}};
    if (!args_.empty()) load.push_back({"", args_, base + kCmdlineOffset});
    TRYV(jh.load(name, load));

    PartitionMonitorPlan plan;
    plan.what = "cell \"" + name + "\"";
    plan.start = [jh, name] { return jh.start(name); };
    plan.stop = [jh, name] { return jh.shutdown(name); };
    plan.poll = [jh, name]() -> Result<WorkloadStatus> {
      TRY(auto c, jh.find(name));
      if (!c) return fail_user("the cell is gone (destroyed from outside runz?)");
      return cell_status(c->state);
    };
    if (platform_.console.kind == Console::Kind::jailhouse) plan.console = jh.console_path();
    std::string console_note;
    if (platform_.console.kind == Console::Kind::device)
      console_note = "runz: console \"device:" + platform_.console.device +
                     "\" is not relayed yet: the cell's output is on that UART, not on the container's stdout\n";
    TRY(pid_t pid, start_monitor(req, plan, {platform_.jailhouse, "cell", "start", "--name", name}, {"CAP_SYS_ADMIN"},
                                 console_note));
    undo.undo = nullptr;
    return pid;
  }

  // A runz cell whose container is gone (no state directory, the allocating process dead):
  // left by a create that failed after its init was made, or by a runz killed mid-delete.
  Result<void> destroy_orphan_cells(const JailhouseCli& jh, Allocator& alloc, const std::set<std::string>& live) {
    TRY(auto held, alloc.list());
    for (const auto& a : held) {
      if (!live.contains(jailhouse::cell_name_for(a.container_id))) continue;
      if (path_exists(path_join(host_.root, a.container_id)) || linux::process_is(a.owner_pid, a.owner_start)) continue;
      log::info("partition: destroying the cell of " + a.container_id + " (its container is gone)");
      TRYV(teardown_cell(jh, jailhouse::cell_name_for(a.container_id)));
      TRYV(alloc.release(a.container_id));
    }
    return {};
  }

  // ---- remoteproc ----

  // The rproc this container will get, known before create so its rpmsg control device can
  // be allowed in the device cgroup: the one named, or the first free now ("any"). A
  // concurrent create that takes it first makes create fail with the allocator's message.
  Result<void> pick_rproc() {
    if (request_.rpu != "any") return {};
    TRY(Allocator alloc, Allocator::open(allocations_path(host_), platform_));
    TRYV(reconcile_cores(alloc));
    TRY(auto held, alloc.list());
    for (const auto& r : platform_.rprocs)
      if (std::ranges::none_of(held, [&](const Allocation& a) { return a.rpu == r.name; })) {
        request_.rpu = r.name;
        return {};
      }
    return {};  // allocate reports that none is free
  }

  // A remote processor has no list of owners like Jailhouse's cells: a container's
  // allocation is live while its state directory exists.
  Result<void> reconcile_cores(Allocator& alloc) {
    TRY(auto dropped, alloc.reconcile([&](const Allocation& a) { return path_exists(path_join(host_.root, a.container_id)); }));
    for (auto& id : dropped) log::info("partition: released the resources of " + id + " (its container is gone)");
    return {};
  }

  Result<pid_t> create_on_core(const CreateRequest& req) {
    TRY(Allocator alloc, Allocator::open(allocations_path(host_), platform_));
    TRYV(reconcile_cores(alloc));
    TRY(Allocation a, alloc.allocate(req.id, request_));
    const std::string fw_name = remoteproc::firmware_name_for(jailhouse::cell_name_for(req.id));
    const std::string fw_path = path_join(platform_.firmware_dir, fw_name);
    CreateUndo undo{[&] {
      ::unlink(fw_path.c_str());
      if (auto r = alloc.release(req.id); !r) log::warn("create: " + r.error().message);
    }};
    const Rproc* rp = platform_.find_rproc(a.rpu);
    if (!rp) return fail_user("rproc \"" + a.rpu + "\" is not configured");
    RemoteProc core = remoteproc_of(platform_, *rp);
    if (!core.exists()) return fail_user("remote processor " + rp->name + ": " + core.dir() + " does not exist");
    TRY(std::string state, core.state());
    if (state != "offline")
      return fail_user("remote processor " + rp->name + " (" + core.dir() + ") is " + state + ", not offline");
    TRY(std::string image, with_context(read_file(boot_.inmate.host_path), "firmware " + boot_.inmate.image_path));
    TRYV(with_context(write_file_atomic(fw_path, image, 0644), "install firmware"));
    TRYV(core.set_firmware(fw_name));

    PartitionMonitorPlan plan;
    plan.what = "remote processor " + rp->name + " (" + rp->remoteproc + ")";
    plan.start = [core] { return core.start(); };
    plan.stop = [core] { return core.stop(); };
    plan.poll = [core]() -> Result<WorkloadStatus> {
      TRY(std::string s, core.state());
      return core_status(s);
    };
    TRY(pid_t pid, start_monitor(req, plan, {"remoteproc", core.dir(), "start"}, {}, ""));
    undo.undo = nullptr;
    return pid;
  }

  // ---- shared ----

  Result<pid_t> start_monitor(const CreateRequest& req, PartitionMonitorPlan plan, std::vector<std::string> shown,
                              std::vector<std::string> caps, std::string note) {
    oci::Spec spec = monitor_spec(*req.spec, std::move(shown), std::move(caps));
    CreateRequest r = req;
    r.spec = &spec;
    r.monitor = [plan, note] {
      if (!note.empty()) [[maybe_unused]] auto n = ::write(STDERR_FILENO, note.data(), note.size());
      return run_partition_monitor(plan);
    };
    return create_monitor_init(r);
  }

  // The workload must not outlive its container: stop it, whatever state it is in.
  Result<void> stop_workload(const std::string& id) {
    if (!platform_.enabled()) {
      TRY(platform_, load_host_platform(host_));
    }
    if (platform_.backend == BackendKind::jailhouse)
      return teardown_cell(jailhouse_of(platform_), jailhouse::cell_name_for(id));
    if (platform_.backend != BackendKind::remoteproc) return {};
    TRY(Allocator alloc, Allocator::open(allocations_path(host_), platform_));
    TRY(auto held, alloc.find(id));
    if (!held || held->rpu.empty()) return {};
    const Rproc* rp = platform_.find_rproc(held->rpu);
    if (!rp) return {};
    return stop_core(remoteproc_of(platform_, *rp));
  }

  HostContext host_;
  PartitionPlatform platform_;
  BootConfig boot_;
  PartitionRequest request_;
  std::string args_;
};

}  // namespace
}  // namespace runz::backends::partition

namespace runz::backends {
std::unique_ptr<Backend> make_partition_backend(const HostContext& host) {
  return std::make_unique<partition::PartitionBackend>(host);
}
}  // namespace runz::backends
