// validate_spec: the rules of config.md / config-linux.md that need no host. Every rejection
// must name the offending field.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::oci {
namespace {

using test::json;
using test::minimal_config;
using test::validate_error;

json with(const std::string& pointer, const json& value) {
  json doc = minimal_config();
  doc[json::json_pointer(pointer)] = value;
  return doc;
}

// A vector, so that {ns("pid")} is a one-element list and not a copy of the object.
json with_namespaces(const std::vector<json>& namespaces) { return with("/linux/namespaces", json(namespaces)); }

json ns(const char* type, const char* path = nullptr) {
  json n = {{"type", type}};
  if (path) n["path"] = path;
  return n;
}

json mapping(uint32_t container, uint32_t host, uint32_t size) {
  return json::array({{{"containerID", container}, {"hostID", host}, {"size", size}}});
}

TEST(SpecValidate, MinimalConfigIsValid) { EXPECT_EQ(validate_error(minimal_config()), ""); }

TEST(SpecValidate, ProcessIsOptional) {
  json doc = minimal_config();
  doc.erase("process");
  EXPECT_EQ(validate_error(doc), "");
}

TEST(SpecValidate, LinuxSectionIsOptional) {
  json doc = minimal_config();
  doc.erase("linux");
  EXPECT_EQ(validate_error(doc), "");
}

// ---- ociVersion and root ----

TEST(SpecValidate, OciVersionIsRequired) {
  json doc = minimal_config();
  doc.erase("ociVersion");
  EXPECT_EQ(validate_error(doc), "ociVersion: required");
  EXPECT_EQ(validate_error(with("/ociVersion", "")), "ociVersion: required");
}

TEST(SpecValidate, OnlyVersionOneIsSupported) {
  for (const char* v : {"2.0.0", "0.9.0", "v1.0.0", "1", "10.0.0", " 1.0.0"}) {
    SCOPED_TRACE(v);
    std::string err = validate_error(with("/ociVersion", v));
    EXPECT_CONTAINS(err, "ociVersion: unsupported version");
  }
  for (const char* v : {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.3.0-rc.1"}) {
    SCOPED_TRACE(v);
    EXPECT_EQ(validate_error(with("/ociVersion", v)), "");
  }
}

TEST(SpecValidate, RootPathIsRequired) {
  json doc = minimal_config();
  doc.erase("root");
  EXPECT_EQ(validate_error(doc), "root.path: required");
  EXPECT_EQ(validate_error(with("/root", json::object())), "root.path: required");
  EXPECT_EQ(validate_error(with("/root/path", "")), "root.path: required");
  EXPECT_EQ(validate_error(with("/root", {{"readonly", true}})), "root.path: required");
}

TEST(SpecValidate, RootPathMayBeRelativeOrAbsolute) {
  EXPECT_EQ(validate_error(with("/root/path", "rootfs")), "");
  EXPECT_EQ(validate_error(with("/root/path", "/var/lib/x/rootfs")), "");
}

// ---- process ----

TEST(SpecValidate, ArgsMustNotBeEmpty) {
  EXPECT_EQ(validate_error(with("/process/args", json::array())), "process.args: must not be empty");
  json doc = minimal_config();
  doc["process"].erase("args");
  EXPECT_EQ(validate_error(doc), "process.args: must not be empty");
}

TEST(SpecValidate, CwdMustBeAbsolute) {
  for (const char* cwd : {"", "tmp", "./tmp", "../", "~/x", " /x"}) {
    SCOPED_TRACE(cwd);
    std::string err = validate_error(with("/process/cwd", cwd));
    EXPECT_CONTAINS(err, "process.cwd: must be an absolute path");
    EXPECT_CONTAINS(err, std::string("\"") + cwd + "\"");
  }
  EXPECT_EQ(validate_error(with("/process/cwd", "/")), "");
  EXPECT_EQ(validate_error(with("/process/cwd", "/var/../tmp")), "");
}

TEST(SpecValidate, EnvEntriesMustBeKeyEqualsValue) {
  for (const char* e : {"NOEQUALS", "=value", "", "="}) {
    SCOPED_TRACE(e);
    EXPECT_CONTAINS(validate_error(with("/process/env", {"PATH=/bin", e})), "process.env:");
  }
  EXPECT_EQ(validate_error(with("/process/env", {"A=", "B==c", "C=a=b", "lower=x", "X=\xc3\xa9"})), "");
}

TEST(SpecValidate, UnknownCapabilityIsRejectedInEverySet) {
  for (const char* set : {"bounding", "effective", "inheritable", "permitted", "ambient"}) {
    for (const char* cap : {"CAP_FOO", "cap_kill", "KILL", "", "CAP_KILL ", "CAP_ALL", "38", "CAP_KILL,CAP_CHOWN"}) {
      SCOPED_TRACE(std::string(set) + " " + cap);
      json doc = with("/process/capabilities/" + std::string(set), {"CAP_KILL", cap});
      std::string err = validate_error(doc);
      EXPECT_CONTAINS(err, std::string("process.capabilities.") + set + ": unknown capability");
      EXPECT_CONTAINS(err, std::string("\"") + cap + "\"");
    }
  }
}

TEST(SpecValidate, EveryKnownCapabilityIsAccepted) {
  json caps = known_capabilities();
  json doc = minimal_config();
  doc["process"]["capabilities"] = {
      {"bounding", caps}, {"effective", caps}, {"inheritable", caps}, {"permitted", caps}, {"ambient", caps}};
  EXPECT_EQ(validate_error(doc), "");
}

TEST(SpecValidate, EmptyCapabilitySetsAreFine) {
  EXPECT_EQ(validate_error(with("/process/capabilities", json::object())), "");
}

TEST(SpecValidate, UnknownRlimitIsRejected) {
  for (const char* type : {"RLIMIT_FOO", "rlimit_nofile", "NOFILE", "", "RLIMIT_NOFILE "}) {
    SCOPED_TRACE(type);
    std::string err = validate_error(with("/process/rlimits", {{{"type", type}, {"soft", 1}, {"hard", 1}}}));
    EXPECT_CONTAINS(err, "process.rlimits: unknown rlimit type");
  }
  // A missing type is an empty type.
  EXPECT_CONTAINS(validate_error(with("/process/rlimits", {{{"soft", 1}, {"hard", 1}}})),
                  "process.rlimits: unknown rlimit type \"\"");
}

TEST(SpecValidate, DuplicateRlimitIsRejected) {
  std::string err = validate_error(with("/process/rlimits", {{{"type", "RLIMIT_NOFILE"}, {"soft", 1}, {"hard", 2}},
                                                            {{"type", "RLIMIT_CPU"}, {"soft", 1}, {"hard", 2}},
                                                            {{"type", "RLIMIT_NOFILE"}, {"soft", 3}, {"hard", 4}}}));
  EXPECT_CONTAINS(err, "process.rlimits: duplicate type \"RLIMIT_NOFILE\"");
}

TEST(SpecValidate, SoftAboveHardIsRejected) {
  std::string err = validate_error(with("/process/rlimits", {{{"type", "RLIMIT_NOFILE"}, {"soft", 2048}, {"hard", 1024}}}));
  EXPECT_CONTAINS(err, "process.rlimits: RLIMIT_NOFILE: soft limit exceeds hard limit");
  // Hard absent means 0, so any soft > 0 is above it.
  EXPECT_CONTAINS(validate_error(with("/process/rlimits", {{{"type", "RLIMIT_CORE"}, {"soft", 1}}})),
                  "soft limit exceeds hard limit");
}

TEST(SpecValidate, EveryKnownRlimitWithEqualOrLowerSoftIsAccepted) {
  json list = json::array();
  uint64_t n = 0;
  for (auto& name : known_rlimits()) {
    list.push_back({{"type", name}, {"soft", n}, {"hard", n + (n % 2)}});  // soft == hard or soft < hard
    ++n;
  }
  EXPECT_EQ(validate_error(with("/process/rlimits", list)), "");
  EXPECT_EQ(validate_error(with("/process/rlimits", {{{"type", "RLIMIT_STACK"},
                                                      {"soft", std::numeric_limits<uint64_t>::max()},
                                                      {"hard", std::numeric_limits<uint64_t>::max()}}})),
            "");
}

// ---- hooks ----

TEST(SpecValidate, HookPathMustBeAbsolute) {
  for (const char* kind : {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}) {
    for (const char* path : {"hook.sh", "./hook", "", "bin/true"}) {
      SCOPED_TRACE(std::string(kind) + " " + path);
      std::string err = validate_error(with(std::string("/hooks/") + kind, {{{"path", path}}}));
      EXPECT_CONTAINS(err, std::string("hooks.") + kind + ": path must be absolute");
    }
    // Missing path is an empty path.
    EXPECT_CONTAINS(validate_error(with(std::string("/hooks/") + kind, {{{"args", {"x"}}}})),
                    std::string("hooks.") + kind + ": path must be absolute");
  }
}

TEST(SpecValidate, HookTimeoutMustBePositive) {
  for (const char* kind : {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}) {
    for (int timeout : {0, -1, -2147483647 - 1}) {
      SCOPED_TRACE(std::string(kind) + " " + std::to_string(timeout));
      std::string err =
          validate_error(with(std::string("/hooks/") + kind, {{{"path", "/bin/true"}, {"timeout", timeout}}}));
      EXPECT_CONTAINS(err, std::string("hooks.") + kind + ": timeout must be greater than zero");
    }
    EXPECT_EQ(validate_error(with(std::string("/hooks/") + kind, {{{"path", "/bin/true"}, {"timeout", 1}}})), "");
  }
}

TEST(SpecValidate, LaterBadHookIsFound) {
  std::string err = validate_error(with("/hooks/poststop", {{{"path", "/ok"}}, {{"path", "/ok2"}, {"timeout", 0}}}));
  EXPECT_CONTAINS(err, "hooks.poststop");
}

// ---- annotations ----

TEST(SpecValidate, AnnotationKeysMustNotBeEmpty) {
  EXPECT_CONTAINS(validate_error(with("/annotations", {{"", "v"}})), "annotations: keys must not be empty");
  EXPECT_EQ(validate_error(with("/annotations", {{"k", ""}, {"io.kubernetes.cri.sandbox-id", "x"}})), "");
}

// ---- mounts ----

TEST(SpecValidate, MountDestinationsThatCleanInsideRootAreAccepted) {
  // Destinations are cleaned (and confined to the rootfs) where they are used.
  for (const char* d : {"/proc", "/a/../b", "/../../etc", "//tmp//x/"}) {
    SCOPED_TRACE(d);
    EXPECT_EQ(validate_error(with("/mounts", {{{"destination", d}, {"type", "tmpfs"}, {"source", "tmpfs"}}})), "");
  }
  EXPECT_EQ(clean_path("/../../etc"), "/etc");
  EXPECT_EQ(clean_path("../../etc"), "/etc");
}

// ---- namespaces ----

TEST(SpecValidate, UnknownNamespaceTypeIsRejected) {
  for (const char* type : {"net", "mnt", "PID", "foo", "", " pid"}) {
    SCOPED_TRACE(type);
    std::string err = validate_error(with_namespaces({ns("pid"), ns(type)}));
    EXPECT_CONTAINS(err, "linux.namespaces: unknown type");
    EXPECT_CONTAINS(err, std::string("\"") + type + "\"");
  }
  // A namespace entry without a type.
  EXPECT_CONTAINS(validate_error(with_namespaces({json::object()})), "linux.namespaces: unknown type \"\"");
}

TEST(SpecValidate, EveryNamespaceTypeIsAccepted) {
  std::vector<json> list;
  for (auto& t : namespace_types()) list.push_back(ns(t.c_str()));
  json doc = with_namespaces(list);
  doc["linux"]["uidMappings"] = mapping(0, 1000, 1);
  doc["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_EQ(validate_error(doc), "");
}

TEST(SpecValidate, DuplicateNamespaceIsRejected) {
  EXPECT_CONTAINS(validate_error(with_namespaces({ns("pid"), ns("network"), ns("pid")})),
                  "linux.namespaces: duplicate type \"pid\"");
  // Even when one is joined by path and the other is new.
  EXPECT_CONTAINS(validate_error(with_namespaces({ns("network"), ns("network", "/proc/1/ns/net")})),
                  "linux.namespaces: duplicate type \"network\"");
}

TEST(SpecValidate, NamespacePathMustBeAbsolute) {
  std::string err = validate_error(with_namespaces({ns("network", "proc/1/ns/net")}));
  EXPECT_CONTAINS(err, "linux.namespaces: network path must be absolute");
  EXPECT_EQ(validate_error(with_namespaces({ns("network", "/proc/1/ns/net")})), "");
}

TEST(SpecValidate, MappingsWithoutUserNamespaceAreRejected) {
  json doc = minimal_config();
  doc["linux"]["uidMappings"] = mapping(0, 1000, 1);
  doc["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_CONTAINS(validate_error(doc), "linux.uidMappings: id mappings given but no user namespace");

  json only_gid = minimal_config();
  only_gid["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_CONTAINS(validate_error(only_gid), "no user namespace");
}

TEST(SpecValidate, NewUserNamespaceNeedsBothMappings) {
  json none = with_namespaces({ns("pid"), ns("user")});
  EXPECT_CONTAINS(validate_error(none), "linux.namespaces: a new user namespace needs uidMappings and gidMappings");

  json uid_only = none;
  uid_only["linux"]["uidMappings"] = mapping(0, 1000, 1);
  EXPECT_CONTAINS(validate_error(uid_only), "needs uidMappings and gidMappings");

  json gid_only = none;
  gid_only["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_CONTAINS(validate_error(gid_only), "needs uidMappings and gidMappings");

  json both = uid_only;
  both["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_EQ(validate_error(both), "");
}

TEST(SpecValidate, JoinedUserNamespaceTakesNoMappings) {
  json join = with_namespaces({ns("user", "/proc/1/ns/user")});
  EXPECT_EQ(validate_error(join), "");
  join["linux"]["uidMappings"] = mapping(0, 1000, 1);
  join["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_CONTAINS(validate_error(join), "linux.uidMappings: cannot set id mappings when joining a user namespace");
}

TEST(SpecValidate, MappingSizeMustBePositive) {
  json doc = with_namespaces({ns("user")});
  doc["linux"]["uidMappings"] = mapping(0, 1000, 0);
  doc["linux"]["gidMappings"] = mapping(0, 1000, 1);
  EXPECT_CONTAINS(validate_error(doc), "size must be greater than zero");
  doc["linux"]["uidMappings"] = mapping(0, 1000, 1);
  doc["linux"]["gidMappings"] = mapping(0, 1000, 0);
  EXPECT_CONTAINS(validate_error(doc), "size must be greater than zero");
}

TEST(SpecValidate, TimeOffsetsNeedANewTimeNamespace) {
  json doc = minimal_config();
  doc["linux"]["timeOffsets"] = {{"monotonic", {{"secs", 1}}}};
  EXPECT_CONTAINS(validate_error(doc), "linux.timeOffsets: needs a new time namespace");

  doc["linux"]["namespaces"].push_back(ns("time", "/proc/1/ns/time"));
  EXPECT_CONTAINS(validate_error(doc), "linux.timeOffsets: needs a new time namespace");

  doc["linux"]["namespaces"].back().erase("path");
  EXPECT_EQ(validate_error(doc), "");

  doc["linux"]["timeOffsets"] = {{"realtime", {{"secs", 1}}}};
  EXPECT_CONTAINS(validate_error(doc), "linux.timeOffsets: unknown clock \"realtime\"");

  doc["linux"]["timeOffsets"] = {{"boottime", {{"secs", -1}, {"nanosecs", 1000000000}}}};
  EXPECT_CONTAINS(validate_error(doc), "linux.timeOffsets: nanosecs must be below 1e9");

  doc["linux"]["timeOffsets"] = {{"boottime", {{"secs", -1}, {"nanosecs", 999999999}}}, {"monotonic", json::object()}};
  EXPECT_EQ(validate_error(doc), "");
}

// ---- sysctl ----

json with_sysctl(const std::vector<json>& namespaces, const std::string& key, const std::string& value = "1") {
  json doc = with_namespaces(namespaces);
  doc["linux"]["sysctl"] = {{key, value}};
  return doc;
}

TEST(SpecValidate, NetSysctlNeedsNetworkNamespace) {
  std::string err = validate_error(with_sysctl({ns("pid"), ns("mount")}, "net.ipv4.ip_forward"));
  EXPECT_CONTAINS(err, "linux.sysctl: \"net.ipv4.ip_forward\" is not in a namespace the container owns");
  EXPECT_EQ(validate_error(with_sysctl({ns("network")}, "net.ipv4.ip_forward")), "");
  EXPECT_EQ(validate_error(with_sysctl({ns("network")}, "net.core.somaxconn", "1024")), "");
  // A network namespace joined by path belongs to the container as well (like a pod's).
  EXPECT_EQ(validate_error(with_sysctl({ns("network", "/var/run/netns/pod")}, "net.ipv4.ip_forward")), "");
}

TEST(SpecValidate, IpcSysctlsNeedIpcNamespace) {
  for (const char* key : {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                          "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "fs.mqueue.queues_max"}) {
    SCOPED_TRACE(key);
    EXPECT_CONTAINS(validate_error(with_sysctl({ns("pid"), ns("network")}, key)), "linux.sysctl:");
    EXPECT_EQ(validate_error(with_sysctl({ns("ipc")}, key)), "");
  }
}

TEST(SpecValidate, UtsSysctlsNeedUtsNamespace) {
  for (const char* key : {"kernel.hostname", "kernel.domainname"}) {
    SCOPED_TRACE(key);
    EXPECT_CONTAINS(validate_error(with_sysctl({ns("pid")}, key)), "linux.sysctl:");
    EXPECT_EQ(validate_error(with_sysctl({ns("uts")}, key)), "");
  }
}

TEST(SpecValidate, SysctlsOutsideAnyNamespaceAreRejected) {
  std::vector<json> all;
  for (auto& t : {"ipc", "uts", "network", "pid", "mount", "cgroup"}) all.push_back(ns(t));
  for (const char* key : {"kernel.pid_max", "kernel.core_pattern", "kernel.modprobe", "vm.swappiness",
                          "fs.file-max", "kernel.shm_rmid_forced_x", "kernel.sem.x", "abi.vsyscall32", "dev.tty.x",
                          "net", "fs.mqueue", "netfilter.x"}) {
    SCOPED_TRACE(key);
    EXPECT_CONTAINS(validate_error(with_sysctl(all, key)), "is not in a namespace the container owns");
  }
}

TEST(SpecValidate, SysctlKeysThatCouldEscapeAreRejected) {
  std::vector<json> all;
  for (auto& t : {"ipc", "uts", "network"}) all.push_back(ns(t));
  for (const char* key : {"", ".net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward", "net..ipv4",
                          "net.ipv4/../../kernel/core_pattern", "net.ipv4...kernel", "fs.mqueue.../../x"}) {
    SCOPED_TRACE(key);
    std::string err = validate_error(with_sysctl(all, key));
    EXPECT_CONTAINS(err, "linux.sysctl:");
  }
  EXPECT_CONTAINS(validate_error(with_sysctl(all, "")), "linux.sysctl: invalid key \"\"");
  EXPECT_CONTAINS(validate_error(with_sysctl(all, "net..x")), "linux.sysctl: invalid key");
}

// ---- devices ----

json device(const json& fields) {
  json d = {{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}};
  for (auto& [k, v] : fields.items()) d[k] = v;
  return d;
}

TEST(SpecValidate, DevicePathMustBeAbsolute) {
  for (const char* path : {"dev/null", "", "null", "./dev/null"}) {
    SCOPED_TRACE(path);
    std::string err = validate_error(with("/linux/devices", json::array({device({{"path", path}})})));
    EXPECT_CONTAINS(err, "linux.devices: path must be absolute");
  }
  json no_path = device({});
  no_path.erase("path");
  EXPECT_CONTAINS(validate_error(with("/linux/devices", json::array({no_path}))), "linux.devices: path must be absolute");
}

TEST(SpecValidate, DeviceTypeMustBeKnown) {
  for (const char* type : {"x", "", "C", "char", "cb", " c"}) {
    SCOPED_TRACE(type);
    std::string err = validate_error(with("/linux/devices", json::array({device({{"type", type}})})));
    EXPECT_CONTAINS(err, "linux.devices: /dev/fuse: type must be c, b, u or p");
  }
  for (const char* type : {"c", "b", "u", "p"}) {
    SCOPED_TRACE(type);
    EXPECT_EQ(validate_error(with("/linux/devices", json::array({device({{"type", type}})}))), "");
  }
}

TEST(SpecValidate, DeviceNumbersMustFitTheKernel) {
  for (auto& bad : {json{{"major", -1}}, json{{"minor", -1}}, json{{"major", 4096}}, json{{"minor", 1048576}},
                    json{{"major", std::numeric_limits<int64_t>::max()}}}) {
    SCOPED_TRACE(bad.dump());
    EXPECT_CONTAINS(validate_error(with("/linux/devices", json::array({device(bad)}))), "major/minor out of range");
  }
  EXPECT_EQ(validate_error(with("/linux/devices", json::array({device({{"major", 4095}, {"minor", 1048575}})}))), "");
}

// ---- other linux fields ----

TEST(SpecValidate, RootfsPropagationMustBeKnown) {
  for (const char* p : {"shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable", ""}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(validate_error(with("/linux/rootfsPropagation", p)), "");
  }
  for (const char* p : {"bogus", "SHARED", "rro", "private,rslave"}) {
    SCOPED_TRACE(p);
    EXPECT_CONTAINS(validate_error(with("/linux/rootfsPropagation", p)), "linux.rootfsPropagation: unknown value");
  }
}

TEST(SpecValidate, PersonalityDomain) {
  EXPECT_EQ(validate_error(with("/linux/personality", {{"domain", "LINUX"}})), "");
  EXPECT_EQ(validate_error(with("/linux/personality", {{"domain", "LINUX32"}, {"flags", json::array()}})), "");
  for (const char* d : {"linux", "LINUX64", "", "PER_LINUX"}) {
    SCOPED_TRACE(d);
    EXPECT_CONTAINS(validate_error(with("/linux/personality", {{"domain", d}})),
                    "linux.personality.domain: must be LINUX or LINUX32");
  }
}

TEST(SpecValidate, HostnameNeedsUtsNamespace) {
  EXPECT_CONTAINS(validate_error(with("/hostname", "box")), "hostname: cannot set a hostname without a private UTS");
  EXPECT_CONTAINS(validate_error(with("/domainname", "example.org")), "domainname: cannot set a domainname");
  json doc = with_namespaces({ns("pid"), ns("uts")});
  doc["hostname"] = "box";
  doc["domainname"] = "example.org";
  EXPECT_EQ(validate_error(doc), "");
  // An empty hostname sets nothing, so it needs nothing.
  EXPECT_EQ(validate_error(with("/hostname", "")), "");
}

TEST(SpecValidate, FirstErrorIsReportedForMultipleProblems) {
  json doc = minimal_config();
  doc["ociVersion"] = "";
  doc["process"]["args"] = json::array();
  doc["hostname"] = "x";
  EXPECT_EQ(validate_error(doc), "ociVersion: required");
}

}  // namespace
}  // namespace runz::oci
