// parse_resources: linux.resources JSON → Resources, with errors that name the field.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "linux/resources.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

using runz::test::error_of;
using runz::test::json;

Resources parsed(const json& j) {
  auto r = parse_resources(j.dump());
  EXPECT_TRUE(r.has_value()) << error_of(r) << "\n" << j.dump();
  return r ? *r : Resources{};
}

std::string parse_err(const json& j) {
  auto r = parse_resources(j.dump());
  EXPECT_FALSE(r.has_value()) << "parsed although it should not: " << j.dump();
  return error_of(r);
}

TEST(ResourcesParse, EmptyTextAndNullAreEmpty) {
  for (std::string_view text : {"", "  \n", "null", "{}"}) {
    auto r = parse_resources(text);
    ASSERT_TRUE(r.has_value()) << text << ": " << error_of(r);
    EXPECT_TRUE(r->empty()) << text;
  }
}

TEST(ResourcesParse, EveryFieldOfTheSpecExample) {
  json j = {
      {"memory", {{"limit", 536870912}, {"reservation", 268435456}, {"swap", 1073741824}, {"kernel", -1},
                  {"kernelTCP", 1048576}, {"swappiness", 0}, {"disableOOMKiller", false}, {"useHierarchy", true},
                  {"checkBeforeUpdate", true}}},
      {"cpu", {{"shares", 1024}, {"quota", 1000000}, {"burst", 500000}, {"period", 500000},
               {"realtimeRuntime", 950000}, {"realtimePeriod", 1000000}, {"cpus", "2-3"}, {"mems", "0-7"}, {"idle", 1}}},
      {"pids", {{"limit", 32771}}},
      {"blockIO",
       {{"weight", 10},
        {"leafWeight", 10},
        {"weightDevice", {{{"major", 8}, {"minor", 0}, {"weight", 500}, {"leafWeight", 300}}, {{"major", 8}, {"minor", 16}, {"weight", 500}}}},
        {"throttleReadBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 600}}}},
        {"throttleWriteBpsDevice", {{{"major", 8}, {"minor", 0}, {"rate", 700}}}},
        {"throttleReadIOPSDevice", {{{"major", 8}, {"minor", 0}, {"rate", 800}}}},
        {"throttleWriteIOPSDevice", {{{"major", 8}, {"minor", 16}, {"rate", 300}}}}}},
      {"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 209715200}}, {{"pageSize", "64KB"}, {"limit", 1000000}}}},
      {"network", {{"classID", 1048577}, {"priorities", {{{"name", "eth0"}, {"priority", 500}}, {{"name", "eth1"}, {"priority", 1000}}}}}},
      {"rdma", {{"mlx5_1", {{"hcaHandles", 3}, {"hcaObjects", 10000}}}, {"mlx4_0", {{"hcaObjects", 1000}}}}},
      {"unified", {{"io.max", "259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152 wiops=120"}, {"hugetlb.1GB.max", "1073741824"}}},
      {"devices", {{{"allow", false}, {"access", "rwm"}}, {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rw"}}}},
  };
  Resources r = parsed(j);
  ASSERT_TRUE(r.memory && r.cpu && r.pids && r.block_io && r.network);
  EXPECT_EQ(r.memory->limit, 536870912);
  EXPECT_EQ(r.memory->reservation, 268435456);
  EXPECT_EQ(r.memory->swap, 1073741824);
  EXPECT_EQ(r.memory->kernel, -1);
  EXPECT_EQ(r.memory->kernel_tcp, 1048576);
  EXPECT_EQ(r.memory->swappiness, 0u);
  EXPECT_EQ(r.memory->disable_oom_killer, false);
  EXPECT_EQ(r.memory->use_hierarchy, true);
  EXPECT_EQ(r.memory->check_before_update, true);
  EXPECT_EQ(r.cpu->shares, 1024u);
  EXPECT_EQ(r.cpu->quota, 1000000);
  EXPECT_EQ(r.cpu->burst, 500000u);
  EXPECT_EQ(r.cpu->period, 500000u);
  EXPECT_EQ(r.cpu->realtime_runtime, 950000);
  EXPECT_EQ(r.cpu->realtime_period, 1000000u);
  EXPECT_EQ(r.cpu->cpus, "2-3");
  EXPECT_EQ(r.cpu->mems, "0-7");
  EXPECT_EQ(r.cpu->idle, 1);
  EXPECT_EQ(r.pids->limit, 32771);
  EXPECT_EQ(r.block_io->weight, 10);
  EXPECT_EQ(r.block_io->leaf_weight, 10);
  ASSERT_EQ(r.block_io->weight_device.size(), 2u);
  EXPECT_EQ(r.block_io->weight_device[0].leaf_weight, 300);
  EXPECT_EQ(r.block_io->weight_device[1].minor, 16);
  EXPECT_FALSE(r.block_io->weight_device[1].leaf_weight);
  ASSERT_EQ(r.block_io->throttle_read_bps_device.size(), 1u);
  EXPECT_EQ(r.block_io->throttle_read_bps_device[0].rate, 600u);
  EXPECT_EQ(r.block_io->throttle_write_bps_device[0].rate, 700u);
  EXPECT_EQ(r.block_io->throttle_read_iops_device[0].rate, 800u);
  EXPECT_EQ(r.block_io->throttle_write_iops_device[0].minor, 16);
  ASSERT_EQ(r.hugepage_limits.size(), 2u);
  EXPECT_EQ(r.hugepage_limits[1].page_size, "64KB");
  EXPECT_EQ(r.hugepage_limits[0].limit, 209715200u);
  EXPECT_EQ(r.network->class_id, 1048577u);
  ASSERT_EQ(r.network->priorities.size(), 2u);
  EXPECT_EQ(r.network->priorities[1].name, "eth1");
  EXPECT_EQ(r.network->priorities[1].priority, 1000u);
  ASSERT_EQ(r.rdma.size(), 2u);
  EXPECT_EQ(r.rdma["mlx5_1"].hca_handles, 3u);
  EXPECT_FALSE(r.rdma["mlx4_0"].hca_handles);
  EXPECT_EQ(r.rdma["mlx4_0"].hca_objects, 1000u);
  EXPECT_EQ(r.unified.at("hugetlb.1GB.max"), "1073741824");
  EXPECT_EQ(r.unified.at("io.max"), "259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152 wiops=120");
  ASSERT_EQ(r.devices.size(), 2u);
  EXPECT_FALSE(r.devices[0].allow);
  EXPECT_EQ(r.devices[0].type, 'a');
  EXPECT_FALSE(r.devices[0].major);
  EXPECT_EQ(r.devices[1].type, 'c');
  EXPECT_EQ(r.devices[1].major, 10);
  EXPECT_EQ(r.devices[1].minor, 229);
  EXPECT_EQ(r.devices[1].access, "rw");
}

TEST(ResourcesParse, BadTypesNameTheField) {
  EXPECT_EQ(parse_err({{"memory", {{"limit", "1G"}}}}), "linux.resources.memory.limit: expected an integer");
  EXPECT_EQ(parse_err({{"memory", {{"disableOOMKiller", "yes"}}}}),
            "linux.resources.memory.disableOOMKiller: expected true or false");
  EXPECT_EQ(parse_err({{"cpu", {{"cpus", 3}}}}), "linux.resources.cpu.cpus: expected a string");
  EXPECT_EQ(parse_err({{"cpu", {{"shares", -5}}}}), "linux.resources.cpu.shares: expected a non-negative integer");
  EXPECT_EQ(parse_err({{"cpu", {{"period", 1.5}}}}), "linux.resources.cpu.period: expected an integer");
  EXPECT_EQ(parse_err({{"memory", 5}}), "linux.resources.memory: expected an object");
  EXPECT_EQ(parse_err({{"hugepageLimits", {{"pageSize", "2MB"}}}}), "linux.resources.hugepageLimits: expected an array");
  EXPECT_EQ(parse_err({{"hugepageLimits", {"2MB"}}}), "linux.resources.hugepageLimits[0]: expected an object");
  EXPECT_EQ(parse_err({{"unified", {{"memory.high", 5}}}}), "linux.resources.unified.memory.high: expected a string");
  EXPECT_EQ(parse_err({{"blockIO", {{"weight", 70000}}}}), "linux.resources.blockIO.weight: value out of range");
  EXPECT_EQ(parse_err({{"network", {{"classID", 5000000000}}}}), "linux.resources.network.classID: value out of range");
  EXPECT_EQ(parse_err({{"devices", {{{"allow", "yes"}}}}}), "linux.resources.devices[0].allow: expected true or false");
  EXPECT_EQ(parse_err(json::array()), "linux.resources: expected an object");
}

TEST(ResourcesParse, RequiredMembers) {
  EXPECT_EQ(parse_err({{"pids", json::object()}}), "linux.resources.pids.limit: required");
  EXPECT_EQ(parse_err({{"blockIO", {{"weightDevice", {{{"major", 8}, {"minor", 0}, {"weight", 10}}, {{"minor", 0}, {"weight", 10}}}}}}}),
            "linux.resources.blockIO.weightDevice[1].major: required");
  EXPECT_EQ(parse_err({{"blockIO", {{"throttleReadBpsDevice", {{{"major", 8}, {"minor", 0}}}}}}}),
            "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required");
  EXPECT_EQ(parse_err({{"hugepageLimits", {{{"pageSize", "2MB"}}}}}), "linux.resources.hugepageLimits[0].limit: required");
  EXPECT_EQ(parse_err({{"devices", {{{"access", "rwm"}}}}}), "linux.resources.devices[0].allow: required");
  EXPECT_EQ(parse_err({{"network", {{"priorities", {{{"name", "eth0"}}}}}}}),
            "linux.resources.network.priorities[0].priority: required");
  EXPECT_EQ(parse_err({{"blockIO", {{"weightDevice", {{{"major", 8}, {"minor", 0}}}}}}}),
            "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight");
  EXPECT_EQ(parse_err({{"rdma", {{"mlx5_1", json::object()}}}}), "linux.resources.rdma.mlx5_1: needs hcaHandles or hcaObjects");
}

TEST(ResourcesParse, ValuesOutOfTheirRange) {
  EXPECT_EQ(parse_err({{"memory", {{"swappiness", 101}}}}), "linux.resources.memory.swappiness: expected a value from 0 to 100");
  EXPECT_EQ(parse_err({{"memory", {{"limit", -2}}}}),
            "linux.resources.memory.limit: expected -1 (unlimited) or a number of bytes");
  EXPECT_EQ(parse_err({{"cpu", {{"quota", -7}}}}),
            "linux.resources.cpu.quota: expected -1 (unlimited) or a number of microseconds");
  EXPECT_EQ(parse_err({{"cpu", {{"idle", 2}}}}), "linux.resources.cpu.idle: expected 0 or 1");
  EXPECT_EQ(parse_err({{"blockIO", {{"weight", 5}}}}), "linux.resources.blockIO.weight: expected a weight from 10 to 1000");
  EXPECT_EQ(parse_err({{"blockIO", {{"leafWeight", 1001}}}}),
            "linux.resources.blockIO.leafWeight: expected a weight from 10 to 1000");
  EXPECT_EQ(parse_err({{"blockIO", {{"throttleReadBpsDevice", {{{"major", -1}, {"minor", 0}, {"rate", 1}}}}}}}),
            "linux.resources.blockIO.throttleReadBpsDevice[0].major: expected a device number");
  EXPECT_EQ(parse_err({{"devices", {{{"allow", true}, {"major", -2}}}}}),
            "linux.resources.devices[0].major: expected -1 (any) or a device number");
}

TEST(ResourcesParse, NamesThatBecomeFileNamesOrTokensAreChecked) {
  for (const char* bad : {"../../etc/x", "2M", "MB", "2mb", "2TB", "02MB", "2MB/x", ""})
    EXPECT_EQ(parse_err({{"hugepageLimits", {{{"pageSize", bad}, {"limit", 1}}}}}),
              "linux.resources.hugepageLimits[0].pageSize: expected a size like 2MB, 1GB or 64KB")
        << bad;
  for (const char* bad : {"../memory.max", "memory/max", "memory", ".max", "memory.", "memory. max"}) {
    std::string err = parse_err({{"unified", {{bad, "1"}}}});
    EXPECT_CONTAINS(err, "expected a cgroup v2 file name of the form CONTROLLER.PARAMETER");
  }
  EXPECT_EQ(parse_err({{"network", {{"priorities", {{{"name", "eth0 9\nlo"}, {"priority", 1}}}}}}}),
            "linux.resources.network.priorities[0].name: must not contain blanks or control characters");
  EXPECT_EQ(parse_err({{"network", {{"priorities", {{{"name", ""}, {"priority", 1}}}}}}}),
            "linux.resources.network.priorities[0].name: must not be empty");
  EXPECT_EQ(parse_err({{"rdma", {{"mlx 5", {{"hcaHandles", 1}}}}}}),
            "linux.resources.rdma.mlx 5: must not contain blanks or control characters");
  EXPECT_EQ(parse_err({{"devices", {{{"allow", true}, {"type", "x"}}}}}),
            "linux.resources.devices[0].type: expected \"a\", \"b\" or \"c\"");
  EXPECT_EQ(parse_err({{"devices", {{{"allow", true}, {"access", "rwx"}}}}}),
            "linux.resources.devices[0].access: expected a combination of r, w and m");
}

TEST(ResourcesParse, UnsetSpellings) {
  // Go clients send (uint64)-1 for an unset swappiness; -1 itself is accepted too.
  Resources a = parsed({{"memory", {{"swappiness", std::numeric_limits<uint64_t>::max()}}}});
  ASSERT_TRUE(a.memory);
  EXPECT_FALSE(a.memory->swappiness);
  Resources b = parsed({{"memory", {{"swappiness", -1}}}});
  EXPECT_FALSE(b.memory->swappiness);
  // A blkio weight of 0 is runc's "not set"; per device it is a value (remove the device's weight).
  Resources c = parsed({{"blockIO", {{"weight", 0}, {"weightDevice", {{{"major", 8}, {"minor", 0}, {"weight", 0}}}}}}});
  EXPECT_FALSE(c.block_io->weight);
  EXPECT_EQ(c.block_io->weight_device[0].weight, 0);
  // null members are absent.
  Resources d = parsed({{"memory", {{"limit", nullptr}}}, {"cpu", nullptr}});
  ASSERT_TRUE(d.memory);
  EXPECT_FALSE(d.memory->limit);
  EXPECT_FALSE(d.cpu);
}

TEST(ResourcesParse, DeviceRuleDefaults) {
  Resources r = parsed({{"devices", {{{"allow", false}}, {{"allow", true}, {"type", "b"}, {"major", -1}, {"minor", 3}, {"access", ""}}}}});
  ASSERT_EQ(r.devices.size(), 2u);
  EXPECT_EQ(r.devices[0].type, 'a');
  EXPECT_FALSE(r.devices[0].major);
  EXPECT_FALSE(r.devices[0].minor);
  EXPECT_EQ(r.devices[0].access, "rwm");
  EXPECT_EQ(r.devices[1].type, 'b');
  EXPECT_FALSE(r.devices[1].major);  // -1 is the wildcard
  EXPECT_EQ(r.devices[1].minor, 3);
  EXPECT_EQ(r.devices[1].access, "rwm");
}

TEST(ResourcesParse, InvalidJsonAndCustomPrefix) {
  EXPECT_EQ(error_of(parse_resources("{\"memory\": ")), "linux.resources: not valid JSON");
  // `update --resources FILE` names its own document.
  EXPECT_EQ(error_of(parse_resources(R"({"pids":{"limit":"x"}})", "resources")), "resources.pids.limit: expected an integer");
}

TEST(ResourcesParse, UnknownMembersAreIgnored) {
  Resources r = parsed({{"memory", {{"limit", 1}, {"futureKnob", 3}}}, {"futureController", {{"x", 1}}}});
  EXPECT_EQ(r.memory->limit, 1);
}

}  // namespace
}  // namespace runz::linux

namespace runz::linux {
namespace {

// config.json → oci::Spec keeps linux.resources as text → parse_resources reads it back.
TEST(ResourcesParse, FromTheSpecsResourcesJson) {
  auto doc = runz::test::minimal_config();
  doc["linux"]["resources"] = {{"pids", {{"limit", 42}}}, {"devices", {{{"allow", false}, {"access", "rwm"}}}}};
  auto spec = oci::parse_spec(doc.dump());
  ASSERT_TRUE(spec.has_value()) << spec.error().message;
  auto r = parse_resources(spec->linux.resources_json);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_TRUE(r->pids);
  EXPECT_EQ(r->pids->limit, 42);
  ASSERT_EQ(r->devices.size(), 1u);
  // Absent linux.resources: empty text, empty Resources.
  auto bare = oci::parse_spec(runz::test::minimal_config().dump());
  ASSERT_TRUE(bare.has_value());
  auto none = parse_resources(bare->linux.resources_json);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace runz::linux
