// default_spec_json: what `runz spec` writes must itself be a valid config, rootless or not.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "linux/mount_options.hpp"
#include "oci/default_spec.hpp"
#include "oci/spec.hpp"
#include "oci/state.hpp"
#include "unit_helpers.hpp"

namespace runz::oci {
namespace {

using test::json;

Spec parsed(bool rootless, uid_t uid = 1000, gid_t gid = 1000) {
  auto r = parse_spec(default_spec_json(rootless, uid, gid));
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : Spec{};
}

const Mount* find_mount(const Spec& s, std::string_view dest) {
  for (auto& m : s.mounts)
    if (m.destination == dest) return &m;
  return nullptr;
}

bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

class DefaultSpec : public ::testing::TestWithParam<bool> {};

TEST_P(DefaultSpec, IsValidJsonEndingWithNewline) {
  std::string text = default_spec_json(GetParam(), 1000, 1000);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_TRUE(json::accept(text));
}

TEST_P(DefaultSpec, ParsesAndValidates) {
  auto r = parse_spec(default_spec_json(GetParam(), 1000, 1000));
  ASSERT_TRUE(r) << r.error().message;
  auto v = validate_spec(*r);
  EXPECT_TRUE(v) << v.error().message;
}

TEST_P(DefaultSpec, LoadsFromABundle) {
  test::TempDir bundle;
  ASSERT_TRUE(write_file_atomic(bundle / "config.json", default_spec_json(GetParam(), 1000, 1000)));
  auto r = load_spec(bundle.path());
  EXPECT_TRUE(r) << r.error().message;
}

TEST_P(DefaultSpec, CommonShape) {
  Spec s = parsed(GetParam());
  EXPECT_EQ(s.oci_version, kOciVersion);
  EXPECT_EQ(s.root.path, "rootfs");
  EXPECT_TRUE(s.root.readonly);
  EXPECT_EQ(s.hostname, "runz");
  ASSERT_TRUE(s.process);
  EXPECT_TRUE(s.process->terminal);
  EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
  EXPECT_EQ(s.process->cwd, "/");
  EXPECT_EQ(s.process->user.uid, 0u);
  EXPECT_TRUE(s.process->no_new_privileges);
  ASSERT_TRUE(s.process->capabilities);
  for (auto* set : {&s.process->capabilities->bounding, &s.process->capabilities->effective,
                    &s.process->capabilities->permitted, &s.process->capabilities->ambient}) {
    EXPECT_TRUE(has(*set, "CAP_KILL"));
    EXPECT_TRUE(has(*set, "CAP_AUDIT_WRITE"));
    EXPECT_TRUE(has(*set, "CAP_NET_BIND_SERVICE"));
    EXPECT_FALSE(has(*set, "CAP_SYS_ADMIN"));
  }
  ASSERT_EQ(s.process->rlimits.size(), 1u);
  EXPECT_EQ(s.process->rlimits[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ(s.process->rlimits[0].soft, 1024u);
  EXPECT_EQ(s.process->rlimits[0].hard, 1024u);
  for (auto* t : {"pid", "ipc", "uts", "mount", "cgroup"}) EXPECT_TRUE(s.linux.has_namespace(t)) << t;
  EXPECT_TRUE(has(s.linux.masked_paths, "/proc/kcore"));
  EXPECT_TRUE(has(s.linux.readonly_paths, "/proc/sys"));
  for (auto* d : {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"})
    EXPECT_NE(find_mount(s, d), nullptr) << d;
}

TEST_P(DefaultSpec, EveryMountOptionIsUnderstood) {
  Spec s = parsed(GetParam());
  for (auto& m : s.mounts) {
    SCOPED_TRACE(m.destination);
    auto o = linux::parse_mount_options(m.options);
    ASSERT_TRUE(o) << o.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Rootless, DefaultSpec, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "rootless" : "root"; });

TEST(DefaultSpecRoot, HasNetworkNamespaceAndNoUserNamespace) {
  Spec s = parsed(false);
  EXPECT_TRUE(s.linux.has_namespace("network"));
  EXPECT_FALSE(s.linux.has_namespace("user"));
  EXPECT_TRUE(s.linux.uid_mappings.empty());
  EXPECT_TRUE(s.linux.gid_mappings.empty());
}

TEST(DefaultSpecRoot, DeniesAllDevicesAndMountsCgroupAndSysfs) {
  Spec s = parsed(false);
  ASSERT_FALSE(s.linux.resources_json.empty());
  json res = json::parse(s.linux.resources_json);
  ASSERT_TRUE(res["devices"].is_array());
  EXPECT_EQ(res["devices"][0]["allow"], false);
  EXPECT_EQ(res["devices"][0]["access"], "rwm");
  const Mount* sys = find_mount(s, "/sys");
  ASSERT_TRUE(sys);
  EXPECT_EQ(sys->type, "sysfs");
  EXPECT_NE(find_mount(s, "/sys/fs/cgroup"), nullptr);
  const Mount* pts = find_mount(s, "/dev/pts");
  ASSERT_TRUE(pts);
  EXPECT_TRUE(has(pts->options, "gid=5"));
}

TEST(DefaultSpecRootless, MapsTheCallerAndHasNoNetworkNamespace) {
  Spec s = parsed(true, 100123, 100456);
  EXPECT_TRUE(s.linux.has_namespace("user"));
  EXPECT_FALSE(s.linux.has_namespace("network"));
  ASSERT_EQ(s.linux.uid_mappings.size(), 1u);
  EXPECT_EQ(s.linux.uid_mappings[0].container_id, 0u);
  EXPECT_EQ(s.linux.uid_mappings[0].host_id, 100123u);
  EXPECT_EQ(s.linux.uid_mappings[0].size, 1u);
  ASSERT_EQ(s.linux.gid_mappings.size(), 1u);
  EXPECT_EQ(s.linux.gid_mappings[0].host_id, 100456u);
  EXPECT_TRUE(s.linux.resources_json.empty());
}

TEST(DefaultSpecRootless, BindsSysAndDropsTtyGroup) {
  Spec s = parsed(true);
  const Mount* sys = find_mount(s, "/sys");
  ASSERT_TRUE(sys);
  EXPECT_EQ(sys->source, "/sys");
  EXPECT_TRUE(has(sys->options, "rbind"));
  EXPECT_TRUE(has(sys->options, "ro"));
  EXPECT_EQ(find_mount(s, "/sys/fs/cgroup"), nullptr);
  const Mount* pts = find_mount(s, "/dev/pts");
  ASSERT_TRUE(pts);
  EXPECT_FALSE(has(pts->options, "gid=5"));
}

TEST(DefaultSpecRootless, ExtremeIdsStillValidate) {
  for (uid_t id : {uid_t{0}, uid_t{65534}, uid_t{4294967294u}}) {
    SCOPED_TRACE(id);
    auto r = parse_spec(default_spec_json(true, id, id));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->linux.uid_mappings.at(0).host_id, id);
    EXPECT_TRUE(validate_spec(*r));
  }
}

}  // namespace
}  // namespace runz::oci
