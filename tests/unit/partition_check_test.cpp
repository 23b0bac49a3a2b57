// `runz check`'s partition lines, against a hand-made Jailhouse sysfs tree.
#include <gtest/gtest.h>

#include "backends/partition/partition_check.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::partition {
namespace {

using test::TempDir;

void put(const std::string& path, const std::string& text) {
  auto slash = path.find_last_of('/');
  ASSERT_TRUE(mkdir_p(path.substr(0, slash)));
  ASSERT_TRUE(write_file_atomic(path, text));
}

TEST(PartitionCheck, NoPartitionTable) {
  TempDir dir;
  put(dir.path() + "/runz.toml", "[vm]\n");
  std::string out = partition_host_report({dir.path() + "/root", dir.path() + "/runz.toml"});
  EXPECT_NE(out.find("partition: no partitioning backend configured"), std::string::npos) << out;
}

TEST(PartitionCheck, ConfigurationErrorsAreLines) {
  TempDir dir;
  put(dir.path() + "/runz.toml", "[partition]\nbackend = \"xen\"\n");
  std::string out = partition_host_report({dir.path() + "/root", dir.path() + "/runz.toml"});
  EXPECT_NE(out.find("partition: configuration error: " + dir.path() + "/runz.toml:2"), std::string::npos) << out;
}

TEST(PartitionCheck, JailhouseHost) {
  TempDir dir;
  const std::string sysfs = dir.path() + "/sys";
  put(sysfs + "/enabled", "1\n");
  put(sysfs + "/cells/0/name", "RootCell\n");
  put(sysfs + "/cells/0/state", "running\n");
  put(sysfs + "/cells/0/cpus_assigned_list", "0-3\n");
  put(sysfs + "/cells/1/name", "web-1\n");
  put(sysfs + "/cells/1/state", "shut down\n");
  put(dir.path() + "/runz.toml", "[partition]\nbackend = \"jailhouse\"\njailhouse = \"/bin/true\"\nsysfs = \"" + sysfs +
                                     "\"\ncpus = \"1-3\"\n[[partition.memory_pool]]\nname = \"m\"\nstart = 0x40000000\nsize = 0x4000000\n");
  std::string out = partition_host_report({dir.path() + "/root", dir.path() + "/runz.toml"});
  EXPECT_NE(out.find("partition: backend jailhouse"), std::string::npos) << out;
  EXPECT_NE(out.find("partition: jailhouse tool /bin/true: found"), std::string::npos) << out;
  EXPECT_NE(out.find("partition: hypervisor enabled: yes"), std::string::npos) << out;
  EXPECT_NE(out.find("partition: cells: 0 RootCell (running), 1 web-1 (shut down)"), std::string::npos) << out;
  EXPECT_NE(out.find("CPU"), std::string::npos) << out;  // the allocator's free resources
}

}  // namespace
}  // namespace runz::backends::partition
