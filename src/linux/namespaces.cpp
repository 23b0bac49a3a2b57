#include "linux/namespaces.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace runz::linux {

namespace {
struct NsInfo {
  const char* type;
  const char* proc;
  int flag;
};
constexpr NsInfo kNamespaces[] = {
    {"user", "user", CLONE_NEWUSER}, {"ipc", "ipc", CLONE_NEWIPC},
    {"uts", "uts", CLONE_NEWUTS},    {"network", "net", CLONE_NEWNET},
    {"pid", "pid", CLONE_NEWPID},    {"mount", "mnt", CLONE_NEWNS},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};
const NsInfo* find(std::string_view type) {
  for (auto& n : kNamespaces)
    if (type == n.type) return &n;
  return nullptr;
}
}  // namespace

int namespace_flag(std::string_view type) {
  auto* n = find(type);
  return n ? n->flag : 0;
}

const char* namespace_proc_name(std::string_view type) {
  auto* n = find(type);
  return n ? n->proc : "";
}

Result<std::vector<NamespaceJoin>> open_namespace_paths(const oci::Linux& linux) {
  std::vector<NamespaceJoin> out;
  // Keep the spec's join order (user first) whatever order config.json lists them in.
  for (auto& type : oci::namespace_types()) {
    const oci::Namespace* ns = linux.find_namespace(type);
    if (!ns || ns->path.empty()) continue;
    int fd = ::open(ns->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail_sys(type + " namespace " + ns->path);
    Fd owned(fd);
    int actual = ::ioctl(fd, NS_GET_NSTYPE);
    if (actual < 0) return fail_user(type + " namespace path " + ns->path + " is not a namespace");
    if (actual != namespace_flag(type))
      return fail_user(type + " namespace path " + ns->path + " is a namespace of another type");
    out.push_back({type, namespace_flag(type), std::move(owned)});
  }
  return out;
}

int new_namespace_flags(const oci::Linux& linux) {
  int flags = 0;
  for (auto& ns : linux.namespaces)
    if (ns.path.empty() && ns.type != "user") flags |= namespace_flag(ns.type);
  return flags;
}

Result<void> join_namespace(const NamespaceJoin& ns) {
  if (::setns(ns.fd.get(), ns.flag) != 0) return fail_sys("join " + ns.type + " namespace");
  return {};
}

}  // namespace runz::linux
