#include <algorithm>
// features.json: valid JSON whose lists agree with what the parser and validator accept.
#include <gtest/gtest.h>

#include <string>

#include "core/features.hpp"
#include "linux/mount_options.hpp"
#include "oci/spec.hpp"
#include "oci/state.hpp"
#include "unit_helpers.hpp"

namespace runz::core {
namespace {

using test::json;

TEST(Features, IsValidJsonWithTheSpecFields) {
  json f = json::parse(features_json());
  EXPECT_EQ(f["ociVersionMin"], "1.0.0");
  EXPECT_EQ(f["ociVersionMax"], oci::kOciVersion);
  EXPECT_EQ(f["hooks"], json({"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}));
  EXPECT_TRUE(f["mountOptions"].is_array());
  EXPECT_TRUE(f["linux"].is_object());
  EXPECT_TRUE(f["annotations"].is_object());
}

TEST(Features, ListsMatchTheValidator) {
  json f = json::parse(features_json());
  EXPECT_EQ(f["linux"]["namespaces"], json(oci::namespace_types()));
  EXPECT_EQ(f["linux"]["capabilities"], json(oci::known_capabilities()));
  EXPECT_EQ(f["mountOptions"], json(linux::known_mount_options()));
}

TEST(Features, AdvertisedMountOptionsParse) {
  json f = json::parse(features_json());
  for (auto& o : f["mountOptions"]) {
    auto r = linux::parse_mount_options({o.get<std::string>()});
    EXPECT_TRUE(r) << o;
  }
}

TEST(Features, UnappliedSecurityFeaturesSayDisabled) {
  json f = json::parse(features_json());
  for (auto* k : {"apparmor", "selinux", "intelRdt"}) EXPECT_EQ(f["linux"][k]["enabled"], false) << k;
  EXPECT_EQ(f["linux"]["mountExtensions"]["idmap"]["enabled"], false);
  // ... and indeed idmap mounts are refused.
  EXPECT_FALSE(linux::parse_mount_options({"idmap"}));
}

TEST(Features, SeccompIsAppliedAndListsWhatItKnows) {
  json f = json::parse(features_json());
  auto& s = f["linux"]["seccomp"];
  EXPECT_EQ(s["enabled"], true);
  EXPECT_NE(std::find(s["actions"].begin(), s["actions"].end(), "SCMP_ACT_NOTIFY"), s["actions"].end());
  EXPECT_NE(std::find(s["operators"].begin(), s["operators"].end(), "SCMP_CMP_MASKED_EQ"), s["operators"].end());
  EXPECT_NE(std::find(s["archs"].begin(), s["archs"].end(), "SCMP_ARCH_X86_64"), s["archs"].end());
}

}  // namespace
}  // namespace runz::core
