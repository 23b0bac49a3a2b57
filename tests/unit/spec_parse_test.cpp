// parse_spec: config.json text → typed Spec. Hostile input must fail with the field's path,
// never crash; unknown fields must be ignored.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "unit_helpers.hpp"

namespace runz::oci {
namespace {

using test::json;
using test::minimal_config;
using test::parse_error;

// Set one field (JSON pointer) of the minimal config and return the parse error.
std::string parse_error_with(const std::string& pointer, const json& value) {
  json doc = minimal_config();
  doc[json::json_pointer(pointer)] = value;
  return parse_error(doc);
}

// Same, with the value given as raw JSON text (for numbers nlohmann would not build).
std::string parse_error_with_raw(const std::string& pointer, const std::string& raw) {
  return parse_error_with(pointer, json::parse(raw));
}

struct BadCase {
  std::string pointer;  // where the value goes
  json value;
  std::string field;    // the path the message must name
  std::string why;      // and the reason
};

void expect_all_fail(const std::vector<BadCase>& cases) {
  for (auto& c : cases) {
    SCOPED_TRACE(c.pointer + " = " + c.value.dump());
    std::string err = parse_error_with(c.pointer, c.value);
    ASSERT_FALSE(err.empty()) << "accepted";
    EXPECT_CONTAINS(err, "config.json: ");
    EXPECT_CONTAINS(err, c.field + ": ");
    EXPECT_CONTAINS(err, c.why);
  }
}

// ---- the document as a whole ----

TEST(SpecParse, MinimalConfigParses) {
  auto spec = parse_spec(minimal_config().dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->oci_version, "1.2.0");
  EXPECT_EQ(spec->root.path, "rootfs");
  EXPECT_FALSE(spec->root.readonly);
  ASSERT_TRUE(spec->process);
  EXPECT_EQ(spec->process->args, std::vector<std::string>{"sh"});
  EXPECT_EQ(spec->process->cwd, "/");
  EXPECT_TRUE(spec->linux.has_namespace("pid"));
  EXPECT_TRUE(spec->linux.has_namespace("mount"));
  EXPECT_FALSE(spec->linux.has_namespace("network"));
}

TEST(SpecParse, InvalidJsonIsRejected) {
  const std::vector<std::string> bad = {
      "",
      " ",
      "{",
      "}",
      "not json",
      "{\"ociVersion\": }",
      "{\"ociVersion\": \"1.2.0\",}",          // trailing comma
      "{'ociVersion': '1.2.0'}",               // single quotes
      "{\"ociVersion\": \"1.2.0\"} trailing",  // garbage after the document
      "{} {}",
      "{\"a\": \"unterminated}",
      "{\"a\": NaN}",
      "{\"a\": 01}",                           // leading zero
      "{\"a\": \"\xff\xfe\"}",                 // not UTF-8
      "{\"a\": \"\\ud800\"}",                  // lone surrogate
      "/* comment */ {}",
  };
  for (auto& text : bad) {
    SCOPED_TRACE(text);
    auto r = parse_spec(text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "config.json: not valid JSON");
    EXPECT_EQ(r.error().code, 0) << "a user error, not errno";
  }
}

TEST(SpecParse, EmbeddedNulDoesNotCrash) {
  // nlohmann's lexer treats a raw NUL byte as the end of the input, so a NUL inside the
  // document truncates it (invalid), and whatever follows a complete document is ignored.
  std::string inside = "{\"ociVersion\":";
  inside.push_back('\0');
  inside += "\"1.2.0\"}";
  EXPECT_FALSE(parse_spec(inside));

  std::string after = "{}";
  after.push_back('\0');
  after += "garbage";
  auto r = parse_spec(after);
  if (r) {
    EXPECT_TRUE(r->oci_version.empty());
  }
}

TEST(SpecParse, TopLevelMustBeAnObject) {
  for (const char* text : {"[]", "42", "\"config\"", "null", "true", "[{\"ociVersion\":\"1.2.0\"}]"}) {
    SCOPED_TRACE(text);
    auto r = parse_spec(text);
    ASSERT_FALSE(r);
    EXPECT_CONTAINS(r.error().message, "config: expected an object");
  }
}

TEST(SpecParse, EmptyObjectParsesButDoesNotValidate) {
  auto spec = parse_spec("{}");
  ASSERT_TRUE(spec);
  EXPECT_FALSE(spec->process);
  EXPECT_TRUE(spec->oci_version.empty());
  EXPECT_FALSE(validate_spec(*spec));
}

TEST(SpecParse, DeeplyNestedUnknownFieldDoesNotCrash) {
  // 20000 levels of arrays inside a field nobody reads.
  const int depth = 20000;
  std::string deep = "{\"ociVersion\":\"1.2.0\",\"x\":";
  deep += std::string(depth, '[') + std::string(depth, ']') + "}";
  auto spec = parse_spec(deep);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->oci_version, "1.2.0");
}

TEST(SpecParse, DeeplyNestedKnownFieldFailsCleanly) {
  const int depth = 20000;
  std::string deep = "{\"process\":";
  deep += std::string(depth, '[') + std::string(depth, ']') + "}";
  auto r = parse_spec(deep);
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "process: expected an object");
}

TEST(SpecParse, DuplicateKeysDoNotCrash) {
  auto spec = parse_spec(R"({"ociVersion":"1.0.0","ociVersion":"1.2.0","root":{"path":"a"},"root":{"path":"b"}})");
  ASSERT_TRUE(spec) << spec.error().message;
  // nlohmann keeps the last occurrence.
  EXPECT_EQ(spec->oci_version, "1.2.0");
  EXPECT_EQ(spec->root.path, "b");
}

TEST(SpecParse, NullMeansAbsent) {
  json doc = minimal_config();
  doc["hostname"] = nullptr;
  doc["mounts"] = nullptr;
  doc["hooks"] = nullptr;
  doc["annotations"] = nullptr;
  doc["process"]["user"] = nullptr;
  doc["process"]["capabilities"] = nullptr;
  doc["process"]["oomScoreAdj"] = nullptr;
  doc["linux"]["resources"] = nullptr;
  auto spec = parse_spec(doc.dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_TRUE(spec->hostname.empty());
  EXPECT_TRUE(spec->mounts.empty());
  EXPECT_FALSE(spec->process->capabilities);
  EXPECT_FALSE(spec->process->oom_score_adj);
  EXPECT_EQ(spec->process->user.uid, 0u);
  EXPECT_TRUE(spec->linux.resources_json.empty());

  doc["process"] = nullptr;
  spec = parse_spec(doc.dump());
  ASSERT_TRUE(spec);
  EXPECT_FALSE(spec->process);
}

TEST(SpecParse, UnknownFieldsAreIgnoredEverywhere) {
  json doc = minimal_config();
  doc["futureField"] = {{"anything", {1, 2, 3}}};
  doc["windows"] = {{"layerFolders", {"C:\\x"}}};
  doc["solaris"] = json::array();
  doc["vm"] = {{"hypervisor", {{"path", "/usr/bin/qemu"}}}};
  doc["zos"] = 42;
  doc["process"]["futureField"] = "x";
  doc["process"]["user"] = {{"uid", 1}, {"username", "ContainerAdministrator"}, {"extra", nullptr}};
  doc["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 1}, {"hard", 2}, {"note", "x"}}};
  doc["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_IDLE"}};
  doc["process"]["scheduler"] = {{"policy", "SCHED_OTHER"}};
  doc["root"]["futureField"] = true;
  doc["mounts"] = {{{"destination", "/tmp"}, {"type", "tmpfs"}, {"uidMappings", json::array()}, {"x", 1}}};
  doc["hooks"] = {{"prestart", {{{"path", "/bin/true"}, {"x", 1}}}}, {"futureHook", json::array()}};
  doc["linux"]["intelRdt"] = {{"closID", "x"}};
  doc["linux"]["futureField"] = {1, 2};
  doc["linux"]["namespaces"][0]["extra"] = "ignored";
  doc["linux"]["memoryPolicy"] = {{"mode", "MPOL_DEFAULT"}};
  auto spec = parse_spec(doc.dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->process->user.uid, 1u);
  ASSERT_EQ(spec->mounts.size(), 1u);
  EXPECT_TRUE(validate_spec(*spec)) << validate_spec(*spec).error().message;
}

// ---- wrong types, one field at a time ----

TEST(SpecParse, TopLevelFieldTypes) {
  expect_all_fail({
      {"/ociVersion", 1, "ociVersion", "expected a string"},
      {"/ociVersion", {"1.2.0"}, "ociVersion", "expected a string"},
      {"/process", "sh", "process", "expected an object"},
      {"/process", json::array({"sh"}), "process", "expected an object"},
      {"/root", "rootfs", "root", "expected an object"},
      {"/root", json::array(), "root", "expected an object"},
      {"/root/path", 1, "root.path", "expected a string"},
      {"/root/path", json::object(), "root.path", "expected a string"},
      {"/root/readonly", "true", "root.readonly", "expected true or false"},
      {"/root/readonly", 1, "root.readonly", "expected true or false"},
      {"/hostname", 1, "hostname", "expected a string"},
      {"/hostname", false, "hostname", "expected a string"},
      {"/domainname", json::array(), "domainname", "expected a string"},
      {"/annotations", json::array(), "annotations", "expected an object"},
      {"/annotations", "k=v", "annotations", "expected an object"},
      {"/annotations", {{"io.x", 1}}, "annotations.io.x", "expected a string"},
      {"/annotations", {{"io.x", {{"nested", "obj"}}}}, "annotations.io.x", "expected a string"},
      {"/mounts", json::object(), "mounts", "expected an array"},
      {"/mounts", "tmpfs", "mounts", "expected an array"},
      {"/hooks", json::array(), "hooks", "expected an object"},
      {"/linux", json::array(), "linux", "expected an object"},
      {"/linux", "linux", "linux", "expected an object"},
  });
}

TEST(SpecParse, ProcessFieldTypes) {
  expect_all_fail({
      {"/process/terminal", "true", "process.terminal", "expected true or false"},
      {"/process/terminal", 1, "process.terminal", "expected true or false"},
      {"/process/consoleSize", json::array({24, 80}), "process.consoleSize", "expected an object"},
      {"/process/consoleSize", {{"height", -1}}, "process.consoleSize.height", "non-negative"},
      {"/process/consoleSize", {{"width", "80"}}, "process.consoleSize.width", "expected an integer"},
      {"/process/args", "sh", "process.args", "expected an array of strings"},
      {"/process/args", {{"0", "sh"}}, "process.args", "expected an array of strings"},
      {"/process/args", json::array({"sh", 1}), "process.args[1]", "expected a string"},
      {"/process/args", json::array({nullptr}), "process.args[0]", "expected a string"},
      {"/process/env", "PATH=/bin", "process.env", "expected an array of strings"},
      {"/process/env", json::array({"A=b", json::object()}), "process.env[1]", "expected a string"},
      {"/process/cwd", 1, "process.cwd", "expected a string"},
      {"/process/cwd", json::array({"/"}), "process.cwd", "expected a string"},
      {"/process/capabilities", json::array({"CAP_KILL"}), "process.capabilities", "expected an object"},
      {"/process/capabilities", {{"bounding", "CAP_KILL"}}, "process.capabilities.bounding", "expected an array"},
      {"/process/capabilities", {{"effective", {1}}}, "process.capabilities.effective[0]", "expected a string"},
      {"/process/capabilities", {{"inheritable", json::object()}}, "process.capabilities.inheritable", "expected an array"},
      {"/process/capabilities", {{"permitted", true}}, "process.capabilities.permitted", "expected an array"},
      {"/process/capabilities", {{"ambient", {"CAP_KILL", false}}}, "process.capabilities.ambient[1]", "expected a string"},
      {"/process/noNewPrivileges", "yes", "process.noNewPrivileges", "expected true or false"},
      {"/process/noNewPrivileges", 0, "process.noNewPrivileges", "expected true or false"},
      {"/process/apparmorProfile", 1, "process.apparmorProfile", "expected a string"},
      {"/process/selinuxLabel", json::array(), "process.selinuxLabel", "expected a string"},
      {"/process/oomScoreAdj", "-1000", "process.oomScoreAdj", "expected an integer"},
      {"/process/oomScoreAdj", 1.5, "process.oomScoreAdj", "expected an integer"},
      {"/process/oomScoreAdj", int64_t{2147483648}, "process.oomScoreAdj", "value out of range"},
      {"/process/oomScoreAdj", int64_t{-2147483649}, "process.oomScoreAdj", "value out of range"},
  });
}

TEST(SpecParse, UserFieldTypes) {
  expect_all_fail({
      {"/process/user", json::array({0, 0}), "process.user", "expected an object"},
      {"/process/user", "root", "process.user", "expected an object"},
      {"/process/user/uid", "0", "process.user.uid", "expected an integer"},
      {"/process/user/uid", true, "process.user.uid", "expected an integer"},
      {"/process/user/uid", json::array({0}), "process.user.uid", "expected an integer"},
      {"/process/user/uid", json::object(), "process.user.uid", "expected an integer"},
      {"/process/user/uid", 0.5, "process.user.uid", "expected an integer"},
      {"/process/user/uid", 1.0, "process.user.uid", "expected an integer"},
      {"/process/user/uid", -1, "process.user.uid", "expected a non-negative integer"},
      {"/process/user/uid", std::numeric_limits<int64_t>::min(), "process.user.uid", "non-negative"},
      {"/process/user/uid", uint64_t{4294967296}, "process.user.uid", "value out of range"},
      {"/process/user/uid", std::numeric_limits<uint64_t>::max(), "process.user.uid", "value out of range"},
      {"/process/user/gid", -1, "process.user.gid", "expected a non-negative integer"},
      {"/process/user/gid", uint64_t{1} << 32, "process.user.gid", "value out of range"},
      {"/process/user/gid", "1000", "process.user.gid", "expected an integer"},
      {"/process/user/umask", -18, "process.user.umask", "non-negative"},
      {"/process/user/umask", "0022", "process.user.umask", "expected an integer"},
      {"/process/user/additionalGids", 5, "process.user.additionalGids", "expected an array of integers"},
      {"/process/user/additionalGids", {{"a", 1}}, "process.user.additionalGids", "expected an array of integers"},
      {"/process/user/additionalGids", {1, "2"}, "process.user.additionalGids[1]", "expected an integer"},
      {"/process/user/additionalGids", {-1}, "process.user.additionalGids[0]", "non-negative"},
      {"/process/user/additionalGids", {1, uint64_t{1} << 40}, "process.user.additionalGids[1]", "value out of range"},
  });
}

TEST(SpecParse, NumbersTooBigForAnyIntegerAreRejected) {
  // 2^64 and 1e3 come out of the JSON parser as floating point.
  for (const char* raw : {"18446744073709551616", "1e3", "1E2", "100000000000000000000000000000", "-1e300"}) {
    SCOPED_TRACE(raw);
    std::string err = parse_error_with_raw("/process/user/uid", raw);
    EXPECT_CONTAINS(err, "process.user.uid: expected an integer");
  }
  EXPECT_CONTAINS(parse_error_with_raw("/process/rlimits", R"([{"type":"RLIMIT_CPU","soft":1,"hard":18446744073709551616}])"),
                  "process.rlimits[0].hard: expected an integer");
  // Beyond double range the JSON parser itself gives up.
  auto r = parse_spec(R"({"process":{"user":{"uid":1e400}}})");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "config.json");
}

TEST(SpecParse, IntegerBoundsAreAccepted) {
  json doc = minimal_config();
  doc["process"]["user"] = {{"uid", 4294967295u}, {"gid", 0}, {"umask", 18}, {"additionalGids", {0, 4294967295u}}};
  doc["process"]["oomScoreAdj"] = -1000;
  doc["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"},
                                {"soft", std::numeric_limits<uint64_t>::max()},
                                {"hard", std::numeric_limits<uint64_t>::max()}}};
  doc["linux"]["devices"] = {{{"path", "/dev/x"}, {"type", "c"},
                              {"major", std::numeric_limits<int64_t>::max()}, {"minor", std::numeric_limits<int64_t>::min()}}};
  auto spec = parse_spec(doc.dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->process->user.uid, 4294967295u);
  ASSERT_TRUE(spec->process->user.umask);
  EXPECT_EQ(*spec->process->user.umask, 18u);
  EXPECT_EQ(spec->process->user.additional_gids, (std::vector<uint32_t>{0, 4294967295u}));
  EXPECT_EQ(*spec->process->oom_score_adj, -1000);
  EXPECT_EQ(spec->process->rlimits.at(0).hard, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(spec->linux.devices.at(0).major, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(spec->linux.devices.at(0).minor, std::numeric_limits<int64_t>::min());

  // "-0" is an integer zero, not a negative number.
  auto zero = parse_spec(R"({"process":{"user":{"uid":-0}}})");
  ASSERT_TRUE(zero) << zero.error().message;
  EXPECT_EQ(zero->process->user.uid, 0u);
}

TEST(SpecParse, RlimitFieldTypes) {
  expect_all_fail({
      {"/process/rlimits", json::object(), "process.rlimits", "expected an array"},
      {"/process/rlimits", "RLIMIT_NOFILE=1024", "process.rlimits", "expected an array"},
      {"/process/rlimits", {1}, "process.rlimits[0]", "expected an object"},
      {"/process/rlimits", {"RLIMIT_NOFILE"}, "process.rlimits[0]", "expected an object"},
      {"/process/rlimits", {{{"type", 7}}}, "process.rlimits[0].type", "expected a string"},
      {"/process/rlimits", {{{"type", "RLIMIT_CPU"}, {"soft", -1}}}, "process.rlimits[0].soft", "non-negative"},
      {"/process/rlimits", {{{"type", "RLIMIT_CPU"}, {"hard", "unlimited"}}}, "process.rlimits[0].hard", "expected an integer"},
      {"/process/rlimits", json::array({{{"type", "RLIMIT_CPU"}}, {{"type", "RLIMIT_AS"}, {"soft", 1.5}}}),
       "process.rlimits[1].soft", "expected an integer"},
  });
}

TEST(SpecParse, MountFieldTypes) {
  expect_all_fail({
      {"/mounts", {"/proc"}, "mounts[0]", "expected an object"},
      {"/mounts", {{{"type", "tmpfs"}}}, "mounts[0].destination", "required"},
      {"/mounts", {{{"destination", ""}}}, "mounts[0].destination", "required"},
      {"/mounts", {{{"destination", nullptr}}}, "mounts[0].destination", "required"},
      {"/mounts", {{{"destination", 5}}}, "mounts[0].destination", "expected a string"},
      {"/mounts", {{{"destination", "/a"}, {"type", 1}}}, "mounts[0].type", "expected a string"},
      {"/mounts", {{{"destination", "/a"}, {"source", json::array()}}}, "mounts[0].source", "expected a string"},
      {"/mounts", {{{"destination", "/a"}, {"options", "ro,nosuid"}}}, "mounts[0].options", "expected an array of strings"},
      {"/mounts", {{{"destination", "/a"}, {"options", {"ro", 1}}}}, "mounts[0].options[1]", "expected a string"},
      {"/mounts", json::array({{{"destination", "/a"}}, {{"destination", "/b"}, {"type", false}}}), "mounts[1].type",
       "expected a string"},
  });
}

TEST(SpecParse, HookFieldTypes) {
  expect_all_fail({
      {"/hooks/prestart", json::object(), "hooks.prestart", "expected an array"},
      {"/hooks/prestart", {"/bin/true"}, "hooks.prestart[0]", "expected an object"},
      {"/hooks/createRuntime", {{{"path", 1}}}, "hooks.createRuntime[0].path", "expected a string"},
      {"/hooks/createContainer", {{{"path", "/x"}, {"args", "/x -v"}}}, "hooks.createContainer[0].args",
       "expected an array of strings"},
      {"/hooks/startContainer", {{{"path", "/x"}, {"env", {1}}}}, "hooks.startContainer[0].env[0]", "expected a string"},
      {"/hooks/poststart", {{{"path", "/x"}, {"timeout", "5"}}}, "hooks.poststart[0].timeout", "expected an integer"},
      {"/hooks/poststop", {{{"path", "/x"}, {"timeout", 1.5}}}, "hooks.poststop[0].timeout", "expected an integer"},
      {"/hooks/poststop", {{{"path", "/x"}, {"timeout", int64_t{1} << 31}}}, "hooks.poststop[0].timeout",
       "value out of range"},
  });
}

TEST(SpecParse, LinuxFieldTypes) {
  expect_all_fail({
      {"/linux/namespaces", json::object(), "linux.namespaces", "expected an array"},
      {"/linux/namespaces", {"pid"}, "linux.namespaces[0]", "expected an object"},
      {"/linux/namespaces", {{{"type", 1}}}, "linux.namespaces[0].type", "expected a string"},
      {"/linux/namespaces", {{{"type", "net"}, {"path", 3}}}, "linux.namespaces[0].path", "expected a string"},
      {"/linux/uidMappings", json::object(), "linux.uidMappings", "expected an array"},
      {"/linux/uidMappings", {{{"hostID", 1000}, {"size", 1}}}, "linux.uidMappings[0].containerID", "required"},
      {"/linux/uidMappings", {{{"containerID", 0}, {"size", 1}}}, "linux.uidMappings[0].hostID", "required"},
      {"/linux/uidMappings", {{{"containerID", 0}, {"hostID", 1}}}, "linux.uidMappings[0].size", "required"},
      {"/linux/uidMappings", {{{"containerID", -1}, {"hostID", 1}, {"size", 1}}}, "linux.uidMappings[0].containerID",
       "non-negative"},
      {"/linux/gidMappings", {{{"containerID", 0}, {"hostID", "1000"}, {"size", 1}}}, "linux.gidMappings[0].hostID",
       "expected an integer"},
      {"/linux/gidMappings", {{{"containerID", 0}, {"hostID", 1}, {"size", uint64_t{1} << 32}}},
       "linux.gidMappings[0].size", "value out of range"},
      {"/linux/sysctl", json::array(), "linux.sysctl", "expected an object"},
      {"/linux/sysctl", {{"net.ipv4.ip_forward", 1}}, "linux.sysctl.net.ipv4.ip_forward", "expected a string"},
      {"/linux/cgroupsPath", 1, "linux.cgroupsPath", "expected a string"},
      {"/linux/resources", json::array(), "linux.resources", "expected an object"},
      {"/linux/resources", "memory=1G", "linux.resources", "expected an object"},
      {"/linux/seccomp", json::array(), "linux.seccomp", "expected an object"},
      {"/linux/devices", json::object(), "linux.devices", "expected an array"},
      {"/linux/devices", {"/dev/null"}, "linux.devices[0]", "expected an object"},
      {"/linux/devices", {{{"path", 1}}}, "linux.devices[0].path", "expected a string"},
      {"/linux/devices", {{{"path", "/dev/x"}, {"type", 99}}}, "linux.devices[0].type", "expected a string"},
      {"/linux/devices", {{{"path", "/dev/x"}, {"major", "1"}}}, "linux.devices[0].major", "expected an integer"},
      {"/linux/devices", {{{"path", "/dev/x"}, {"major", uint64_t{1} << 63}}}, "linux.devices[0].major",
       "value out of range"},
      {"/linux/devices", {{{"path", "/dev/x"}, {"fileMode", -1}}}, "linux.devices[0].fileMode", "non-negative"},
      {"/linux/devices", {{{"path", "/dev/x"}, {"uid", uint64_t{1} << 32}}}, "linux.devices[0].uid", "value out of range"},
      {"/linux/devices", {{{"path", "/dev/x"}, {"gid", "0"}}}, "linux.devices[0].gid", "expected an integer"},
      {"/linux/maskedPaths", "/proc/kcore", "linux.maskedPaths", "expected an array of strings"},
      {"/linux/readonlyPaths", {1}, "linux.readonlyPaths[0]", "expected a string"},
      {"/linux/rootfsPropagation", true, "linux.rootfsPropagation", "expected a string"},
      {"/linux/mountLabel", 0, "linux.mountLabel", "expected a string"},
      {"/linux/personality", "LINUX", "linux.personality", "expected an object"},
      {"/linux/personality", json::object(), "linux.personality.domain", "required"},
      {"/linux/personality", {{"domain", 1}}, "linux.personality.domain", "expected a string"},
      {"/linux/timeOffsets", json::array(), "linux.timeOffsets", "expected an object"},
      {"/linux/timeOffsets", {{"monotonic", 5}}, "linux.timeOffsets.monotonic", "expected an object"},
      {"/linux/timeOffsets", {{"boottime", {{"secs", "1"}}}}, "linux.timeOffsets.boottime.secs", "expected an integer"},
      {"/linux/timeOffsets", {{"boottime", {{"nanosecs", -1}}}}, "linux.timeOffsets.boottime.nanosecs", "non-negative"},
  });
}

// ---- values land in the right place ----

TEST(SpecParse, FullDocumentMapsEveryField) {
  json doc = {
      {"ociVersion", "1.0.2-dev"},
      {"process",
       {{"terminal", true},
        {"consoleSize", {{"height", 24}, {"width", 80}}},
        {"user", {{"uid", 1000}, {"gid", 1001}, {"umask", 63}, {"additionalGids", {5, 6}}}},
        {"args", {"/bin/app", "--flag"}},
        {"env", {"A=1", "B="}},
        {"cwd", "/work"},
        {"capabilities",
         {{"bounding", {"CAP_KILL"}},
          {"effective", {"CAP_CHOWN"}},
          {"inheritable", json::array()},
          {"permitted", {"CAP_KILL", "CAP_CHOWN"}},
          {"ambient", {"CAP_NET_RAW"}}}},
        {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"soft", 1024}, {"hard", 4096}}}},
        {"noNewPrivileges", true},
        {"apparmorProfile", "runz-default"},
        {"selinuxLabel", "system_u:system_r:container_t:s0"},
        {"oomScoreAdj", 100}}},
      {"root", {{"path", "/var/lib/rootfs"}, {"readonly", true}}},
      {"hostname", "box"},
      {"domainname", "example.org"},
      {"mounts", {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}, {"options", {"nosuid"}}}}},
      {"hooks",
       {{"prestart", {{{"path", "/h/pre"}}}},
        {"createRuntime", {{{"path", "/h/cr"}, {"args", {"cr", "a"}}, {"env", {"X=1"}}, {"timeout", 7}}}},
        {"createContainer", {{{"path", "/h/cc"}}}},
        {"startContainer", {{{"path", "/h/sc"}}}},
        {"poststart", {{{"path", "/h/ps"}}}},
        {"poststop", {{{"path", "/h/pst"}}, {{"path", "/h/pst2"}}}}}},
      {"annotations", {{"runz.workload", "process"}, {"empty", ""}}},
      {"linux",
       {{"namespaces", {{{"type", "pid"}}, {{"type", "network"}, {"path", "/var/run/netns/x"}}, {{"type", "user"}},
                        {{"type", "uts"}}, {{"type", "time"}}}},
        {"uidMappings", {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}}},
        {"gidMappings", {{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}}},
        {"sysctl", {{"net.ipv4.ip_forward", "1"}}},
        {"cgroupsPath", "/runz/box"},
        {"resources", {{"memory", {{"limit", 1048576}}}}},
        {"seccomp", {{"defaultAction", "SCMP_ACT_ALLOW"}}},
        {"devices", {{{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"fileMode", 438},
                      {"uid", 0}, {"gid", 0}}}},
        {"maskedPaths", {"/proc/kcore"}},
        {"readonlyPaths", {"/proc/sys"}},
        {"rootfsPropagation", "rslave"},
        {"mountLabel", "label"},
        {"personality", {{"domain", "LINUX32"}}},
        {"timeOffsets", {{"monotonic", {{"secs", -5}, {"nanosecs", 7}}}}}}},
  };
  auto r = parse_spec(doc.dump(2));
  ASSERT_TRUE(r) << r.error().message;
  const Spec& s = *r;
  EXPECT_EQ(s.oci_version, "1.0.2-dev");
  const Process& p = *s.process;
  EXPECT_TRUE(p.terminal);
  ASSERT_TRUE(p.console_size);
  EXPECT_EQ(p.console_size->height, 24u);
  EXPECT_EQ(p.console_size->width, 80u);
  EXPECT_EQ(p.user.uid, 1000u);
  EXPECT_EQ(p.user.gid, 1001u);
  EXPECT_EQ(p.user.umask, 63u);
  EXPECT_EQ(p.user.additional_gids, (std::vector<uint32_t>{5, 6}));
  EXPECT_EQ(p.args, (std::vector<std::string>{"/bin/app", "--flag"}));
  EXPECT_EQ(p.env, (std::vector<std::string>{"A=1", "B="}));
  EXPECT_EQ(p.cwd, "/work");
  ASSERT_TRUE(p.capabilities);
  EXPECT_EQ(p.capabilities->bounding, std::vector<std::string>{"CAP_KILL"});
  EXPECT_EQ(p.capabilities->effective, std::vector<std::string>{"CAP_CHOWN"});
  EXPECT_TRUE(p.capabilities->inheritable.empty());
  EXPECT_EQ(p.capabilities->permitted.size(), 2u);
  EXPECT_EQ(p.capabilities->ambient, std::vector<std::string>{"CAP_NET_RAW"});
  ASSERT_EQ(p.rlimits.size(), 1u);
  EXPECT_EQ(p.rlimits[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ(p.rlimits[0].soft, 1024u);
  EXPECT_EQ(p.rlimits[0].hard, 4096u);
  EXPECT_TRUE(p.no_new_privileges);
  EXPECT_EQ(p.apparmor_profile, "runz-default");
  EXPECT_EQ(p.selinux_label, "system_u:system_r:container_t:s0");
  EXPECT_EQ(p.oom_score_adj, 100);
  EXPECT_EQ(s.root.path, "/var/lib/rootfs");
  EXPECT_TRUE(s.root.readonly);
  EXPECT_EQ(s.hostname, "box");
  EXPECT_EQ(s.domainname, "example.org");
  ASSERT_EQ(s.mounts.size(), 1u);
  EXPECT_EQ(s.mounts[0].destination, "/proc");
  EXPECT_EQ(s.mounts[0].type, "proc");
  EXPECT_EQ(s.mounts[0].source, "proc");
  EXPECT_EQ(s.mounts[0].options, std::vector<std::string>{"nosuid"});
  EXPECT_EQ(s.hooks.prestart.at(0).path, "/h/pre");
  ASSERT_EQ(s.hooks.create_runtime.size(), 1u);
  EXPECT_EQ(s.hooks.create_runtime[0].args, (std::vector<std::string>{"cr", "a"}));
  EXPECT_EQ(s.hooks.create_runtime[0].env, std::vector<std::string>{"X=1"});
  EXPECT_EQ(s.hooks.create_runtime[0].timeout, 7);
  EXPECT_FALSE(s.hooks.prestart[0].timeout);
  EXPECT_EQ(s.hooks.create_container.at(0).path, "/h/cc");
  EXPECT_EQ(s.hooks.start_container.at(0).path, "/h/sc");
  EXPECT_EQ(s.hooks.poststart.at(0).path, "/h/ps");
  ASSERT_EQ(s.hooks.poststop.size(), 2u);
  EXPECT_EQ(s.hooks.poststop[1].path, "/h/pst2");
  EXPECT_EQ(s.annotations.at("runz.workload"), "process");
  EXPECT_EQ(s.annotations.at("empty"), "");
  const Linux& l = s.linux;
  ASSERT_EQ(l.namespaces.size(), 5u);
  ASSERT_TRUE(l.find_namespace("network"));
  EXPECT_EQ(l.find_namespace("network")->path, "/var/run/netns/x");
  EXPECT_EQ(l.find_namespace("pid")->path, "");
  EXPECT_EQ(l.find_namespace("ipc"), nullptr);
  ASSERT_EQ(l.uid_mappings.size(), 1u);
  EXPECT_EQ(l.uid_mappings[0].host_id, 100000u);
  EXPECT_EQ(l.uid_mappings[0].size, 65536u);
  EXPECT_EQ(l.gid_mappings.at(0).host_id, 200000u);
  EXPECT_EQ(l.sysctl.at("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(l.cgroups_path, "/runz/box");
  EXPECT_EQ(json::parse(l.resources_json), doc["linux"]["resources"]);
  EXPECT_EQ(json::parse(l.seccomp_json), doc["linux"]["seccomp"]);
  ASSERT_EQ(l.devices.size(), 1u);
  EXPECT_EQ(l.devices[0].path, "/dev/fuse");
  EXPECT_EQ(l.devices[0].type, "c");
  EXPECT_EQ(l.devices[0].major, 10);
  EXPECT_EQ(l.devices[0].minor, 229);
  EXPECT_EQ(l.devices[0].file_mode, 438u);
  EXPECT_EQ(l.devices[0].uid, 0u);
  EXPECT_EQ(l.masked_paths, std::vector<std::string>{"/proc/kcore"});
  EXPECT_EQ(l.readonly_paths, std::vector<std::string>{"/proc/sys"});
  EXPECT_EQ(l.rootfs_propagation, "rslave");
  EXPECT_EQ(l.mount_label, "label");
  EXPECT_EQ(l.personality_domain, "LINUX32");
  ASSERT_EQ(l.time_offsets.count("monotonic"), 1u);
  EXPECT_EQ(l.time_offsets.at("monotonic").secs, -5);
  EXPECT_EQ(l.time_offsets.at("monotonic").nanosecs, 7u);
  EXPECT_TRUE(validate_spec(s)) << validate_spec(s).error().message;
}

TEST(SpecParse, DefaultsWhenFieldsAreAbsent) {
  auto s = parse_spec(R"({"process":{}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->process->cwd, "/");
  EXPECT_FALSE(s->process->terminal);
  EXPECT_FALSE(s->process->console_size);
  EXPECT_EQ(s->process->user.uid, 0u);
  EXPECT_FALSE(s->process->user.umask);
  EXPECT_TRUE(s->process->args.empty());
  EXPECT_FALSE(s->process->capabilities);
  EXPECT_FALSE(s->process->no_new_privileges);
  EXPECT_TRUE(s->linux.namespaces.empty());
  EXPECT_TRUE(s->linux.resources_json.empty());
  EXPECT_TRUE(s->linux.seccomp_json.empty());
  EXPECT_FALSE(s->linux.personality_domain);
}

TEST(SpecParse, StringsKeepEmbeddedSpecialCharacters) {
  json doc = minimal_config();
  doc["process"]["args"] = {"sh", "-c", "echo \"$X\"\n\ttab\\", std::string("nul\0inside", 10), "\xc3\xa9t\xc3\xa9"};
  auto s = parse_spec(doc.dump());
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->process->args.size(), 5u);
  EXPECT_EQ(s->process->args[2], "echo \"$X\"\n\ttab\\");
  EXPECT_EQ(s->process->args[3], std::string("nul\0inside", 10));
  EXPECT_EQ(s->process->args[4], "\xc3\xa9t\xc3\xa9");
}

TEST(SpecParse, ErrorsAreUserErrors) {
  auto r = parse_spec(R"({"process":{"user":{"uid":-1}}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 0);
  EXPECT_EQ(r.error().message, "config.json: process.user.uid: expected a non-negative integer");
}

// ---- load_spec: bundle directory ----

TEST(LoadSpec, MissingConfigIsReported) {
  test::TempDir dir;
  auto r = load_spec(dir.path());
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "config.json not found in bundle " + dir.path());
}

TEST(LoadSpec, ParsesAndValidates) {
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "config.json", minimal_config().dump()));
  auto ok = load_spec(dir.path());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->root.path, "rootfs");

  json bad = minimal_config();
  bad["process"]["cwd"] = "relative";
  ASSERT_TRUE(write_file_atomic(dir / "config.json", bad.dump()));
  auto invalid = load_spec(dir.path());
  ASSERT_FALSE(invalid);
  EXPECT_CONTAINS(invalid.error().message, "process.cwd");

  ASSERT_TRUE(write_file_atomic(dir / "config.json", "{"));
  auto broken = load_spec(dir.path());
  ASSERT_FALSE(broken);
  EXPECT_CONTAINS(broken.error().message, "not valid JSON");
}

TEST(LoadSpec, ConfigThatIsADirectoryFails) {
  test::TempDir dir;
  ASSERT_TRUE(mkdir_p(dir / "config.json"));
  auto r = load_spec(dir.path());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().code, 0);
}

}  // namespace
}  // namespace runz::oci
