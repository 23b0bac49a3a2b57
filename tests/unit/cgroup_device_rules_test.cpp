// container_device_rules: spec rules + linux.devices + runc's default allowed devices.
#include <gtest/gtest.h>

#include "linux/cgroup_files.hpp"
#include "linux/device_rules.hpp"

namespace runz::linux {
namespace {

std::vector<std::string> lines(const std::vector<DeviceRule>& rules) {
  std::vector<std::string> out;
  for (auto& r : rules) out.push_back(std::string(r.allow ? "allow " : "deny ") + device_rule_line(r));
  return out;
}

TEST(CgroupDeviceRules, DenyAllThenLinuxDevicesThenDefaults) {
  DeviceRule deny_all;  // allow=false, a *:* rwm
  oci::Device fuse{"c", "/dev/fuse", 10, 229};
  oci::Device disk{"b", "/dev/sda", 8, 0};
  oci::Device unbuffered{"u", "/dev/x", 4, 1};
  oci::Device fifo{"p", "/dev/fifo", 0, 0};
  auto rules = container_device_rules({deny_all}, {fuse, disk, unbuffered, fifo});
  EXPECT_EQ(lines(rules), (std::vector<std::string>{
                              "deny a *:* rwm",
                              "allow c 10:229 rwm",
                              "allow b 8:0 rwm",
                              "allow c 4:1 rwm",
                              "allow c *:* m",
                              "allow b *:* m",
                              "allow c 1:3 rwm",
                              "allow c 1:8 rwm",
                              "allow c 1:7 rwm",
                              "allow c 5:0 rwm",
                              "allow c 1:5 rwm",
                              "allow c 1:9 rwm",
                              "allow c 136:* rwm",
                              "allow c 5:2 rwm",
                              "allow c 10:200 rwm",
                          }));
}

TEST(CgroupDeviceRules, NoSpecRulesMeansNoRules) {
  oci::Device fuse{"c", "/dev/fuse", 10, 229};
  EXPECT_TRUE(container_device_rules({}, {fuse}).empty());
}

TEST(CgroupDeviceRules, ComposedDenyAllWritesNothingOnV2AndTwelveRulesOnV1) {
  Resources r;
  r.devices = container_device_rules({DeviceRule{}}, {});
  auto v2 = resources_to_v2(r);
  ASSERT_TRUE(v2.has_value());
  EXPECT_TRUE(v2->empty());
  auto v1 = resources_to_v1(r);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->size(), 12u);
}

}  // namespace
}  // namespace runz::linux

namespace runz::linux {
namespace {

DeviceRule rule(bool allow, char type, std::optional<int64_t> major, std::optional<int64_t> minor, std::string access) {
  DeviceRule d;
  d.allow = allow;
  d.type = type;
  d.major = major;
  d.minor = minor;
  d.access = std::move(access);
  return d;
}

TEST(V1DeviceListMatches, SameRulesInAnyOrder) {
  std::vector<DeviceRule> rules = {rule(false, 'a', std::nullopt, std::nullopt, "rwm"),
                                   rule(true, 'c', 1, 3, "rwm"), rule(true, 'c', std::nullopt, std::nullopt, "m"),
                                   rule(true, 'c', 5, 0, "r"), rule(true, 'c', 5, 0, "w")};
  EXPECT_TRUE(v1_device_list_matches("c *:* m\nc 1:3 rwm\nc 5:0 rw\n", rules));
  EXPECT_FALSE(v1_device_list_matches("c *:* m\nc 1:3 rwm\n", rules)) << "one missing";
  EXPECT_FALSE(v1_device_list_matches("c *:* m\nc 1:3 rwm\nc 5:0 rw\nb 8:0 r\n", rules)) << "one extra";
  EXPECT_FALSE(v1_device_list_matches("c *:* m\nc 1:3 rw\nc 5:0 rw\n", rules)) << "other access";
  EXPECT_FALSE(v1_device_list_matches("a *:* rwm\n", rules)) << "everything allowed now";
}

TEST(V1DeviceListMatches, OnlyTheDenyAllShape) {
  EXPECT_FALSE(v1_device_list_matches("", {}));
  EXPECT_FALSE(v1_device_list_matches("c 1:3 rwm\n", {rule(true, 'c', 1, 3, "rwm")})) << "no deny-all first";
  EXPECT_FALSE(v1_device_list_matches("", {rule(false, 'a', std::nullopt, std::nullopt, "rwm"),
                                           rule(false, 'c', 1, 3, "rwm")}))
      << "a deny after the first rule";
  EXPECT_TRUE(v1_device_list_matches("", {rule(false, 'a', std::nullopt, std::nullopt, "")})) << "deny everything";
}

}  // namespace
}  // namespace runz::linux
