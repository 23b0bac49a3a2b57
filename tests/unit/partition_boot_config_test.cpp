// The runPHI image convention: both file names, defaults, every field's type check, and
// paths that try to leave the rootfs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/partition/boot_config.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::backends::partition {
namespace {

using test::error_of;
using test::TempDir;

class PartitionBootConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(mkdir_p(dir / "rootfs/boot"));
    put("boot/boot.bin", "inmate");
  }
  std::string rootfs() const { return dir / "rootfs"; }
  void put(const std::string& rel, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(rootfs() + "/" + rel, text));
  }
  void config(const test::json& j, const std::string& name = "boot/configuration.json") { put(name, j.dump()); }
  std::string error_for(const test::json& j) {
    config(j);
    return error_of(load_boot_config(rootfs()));
  }

  TempDir dir;
};

TEST_F(PartitionBootConfig, NoConfigIsDetectedAndReported) {
  EXPECT_FALSE(has_boot_config(rootfs()));
  EXPECT_CONTAINS(error_of(load_boot_config(rootfs())), "no /boot/configuration.json");
  EXPECT_FALSE(has_boot_config(dir / "missing"));
}

TEST_F(PartitionBootConfig, DefaultsFromAnEmptyObject) {
  config(test::json::object());
  EXPECT_TRUE(has_boot_config(rootfs()));
  auto c = load_boot_config(rootfs());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->source, "boot/configuration.json");
  EXPECT_EQ(c->inmate.image_path, "/boot/boot.bin");
  char real[PATH_MAX];
  ASSERT_NE(::realpath((rootfs() + "/boot/boot.bin").c_str(), real), nullptr);
  EXPECT_EQ(c->inmate.host_path, real);
  EXPECT_FALSE(c->kernel);
  EXPECT_FALSE(c->starting_vaddress);
  EXPECT_FALSE(c->ivshmem);
  EXPECT_FALSE(c->rpu_req);
}

TEST_F(PartitionBootConfig, ConfigJsonIsTheFallbackName) {
  config({{"os_var", "zephyr"}}, "boot/config.json");
  auto c = load_boot_config(rootfs());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->source, "boot/config.json");
  EXPECT_EQ(c->os_var, "zephyr");
  // configuration.json wins when both exist.
  config({{"os_var", "linux"}});
  c = load_boot_config(rootfs());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->source, "boot/configuration.json");
  EXPECT_EQ(c->os_var, "linux");
}

TEST_F(PartitionBootConfig, EveryField) {
  for (auto f : {"Image", "dtb", "initrd", "ramdisk", "rootfs.cpio", "zephyr.bin"}) put(std::string("boot/") + f, f);
  config({{"inmate", "/boot/zephyr.bin"}, {"kernel", "/boot/Image"}, {"dtb", "boot/dtb"},
          {"initrd", "/boot/initrd"}, {"ramdisk", "/boot/ramdisk"}, {"cpio", "/boot/rootfs.cpio"},
          {"os_var", "zephyr"}, {"starting_vaddress", "0x80000000"}, {"netconf", "10.0.0.2/24"},
          {"net", "ivshmem"}, {"rpu_req", true}, {"memory", 512}, {"future_field", {1, 2}}});
  auto c = load_boot_config(rootfs());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->inmate.image_path, "/boot/zephyr.bin");
  ASSERT_TRUE(c->kernel);
  EXPECT_EQ(c->kernel->image_path, "/boot/Image");
  ASSERT_TRUE(c->dtb);
  EXPECT_EQ(c->dtb->image_path, "/boot/dtb");  // relative paths are taken from the image's root
  EXPECT_TRUE(c->initrd && c->ramdisk && c->cpio);
  EXPECT_EQ(c->starting_vaddress, 0x80000000u);
  EXPECT_EQ(c->netconf, "10.0.0.2/24");
  EXPECT_EQ(c->net, "ivshmem");
  EXPECT_TRUE(c->ivshmem);
  EXPECT_TRUE(c->rpu_req);
}

TEST_F(PartitionBootConfig, NetNoneMeansNoComm) {
  for (auto net : {"none", "no"}) {
    config({{"net", net}});
    auto c = load_boot_config(rootfs());
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->ivshmem) << net;
  }
}

TEST_F(PartitionBootConfig, RpuReqAcceptsStrings) {
  config({{"rpu_req", "true"}});
  EXPECT_TRUE(load_boot_config(rootfs())->rpu_req);
  config({{"rpu_req", "false"}});
  EXPECT_FALSE(load_boot_config(rootfs())->rpu_req);
  EXPECT_EQ(error_for({{"rpu_req", "yes"}}), "boot/configuration.json: rpu_req: expected true or false, got \"yes\"");
  EXPECT_CONTAINS(error_for({{"rpu_req", 1}}), "rpu_req: expected true or false");
}

TEST_F(PartitionBootConfig, StartingVaddress) {
  config({{"starting_vaddress", "0x0"}});
  EXPECT_EQ(load_boot_config(rootfs())->starting_vaddress, 0u);
  config({{"starting_vaddress", "4096"}});
  EXPECT_EQ(load_boot_config(rootfs())->starting_vaddress, 4096u);
  EXPECT_EQ(error_for({{"starting_vaddress", "0xZZ"}}),
            "boot/configuration.json: starting_vaddress: \"0xZZ\" is not an address (like \"0x0\")");
  EXPECT_CONTAINS(error_for({{"starting_vaddress", "0x"}}), "is not an address");
  EXPECT_CONTAINS(error_for({{"starting_vaddress", 0}}), "starting_vaddress: expected a string, got number");
}

TEST_F(PartitionBootConfig, WrongTypesNameTheField) {
  for (auto key : {"kernel", "inmate", "os_var", "dtb", "initrd", "cpio", "ramdisk", "netconf", "net"}) {
    EXPECT_EQ(error_for({{key, 42}}), "boot/configuration.json: " + std::string(key) + ": expected a string, got number");
    EXPECT_CONTAINS(error_for({{key, {{"a", 1}}}}), std::string(key) + ": expected a string, got object");
  }
}

TEST_F(PartitionBootConfig, BadDocuments) {
  put("boot/configuration.json", "{ \"inmate\": ");
  EXPECT_CONTAINS(error_of(load_boot_config(rootfs())), "boot/configuration.json: not valid JSON");
  put("boot/configuration.json", "[1]");
  EXPECT_EQ(error_of(load_boot_config(rootfs())), "boot/configuration.json: expected a JSON object");
}

TEST_F(PartitionBootConfig, MissingFilesNameFieldAndFile) {
  ASSERT_EQ(::unlink((rootfs() + "/boot/boot.bin").c_str()), 0);
  EXPECT_EQ(error_for(test::json::object()),
            "boot/configuration.json: inmate \"/boot/boot.bin\": no such file in the image");
  put("boot/boot.bin", "x");
  EXPECT_EQ(error_for({{"dtb", "/boot/nope.dtb"}}), "boot/configuration.json: dtb \"/boot/nope.dtb\": no such file in the image");
  EXPECT_EQ(error_for({{"kernel", "/boot/boot.bin/x"}}),
            "boot/configuration.json: kernel \"/boot/boot.bin/x\": no such file in the image");
  EXPECT_EQ(error_for({{"kernel", "/boot"}}), "boot/configuration.json: kernel \"/boot\": not a regular file in the image");
}

TEST_F(PartitionBootConfig, DotDotIsRefused) {
  ASSERT_TRUE(write_file_atomic(dir / "secret", "host"));
  EXPECT_EQ(error_for({{"inmate", "../../etc/passwd"}}),
            "boot/configuration.json: inmate \"../../etc/passwd\": \"..\" is not allowed in image paths");
  EXPECT_CONTAINS(error_for({{"kernel", "/boot/../../secret"}}), "\"..\" is not allowed");
}

TEST_F(PartitionBootConfig, SymlinksStayInsideTheRootfs) {
  // An absolute link to a host file resolves inside the image, where there is no such file.
  ASSERT_TRUE(write_file_atomic(dir / "secret", "host"));
  ASSERT_EQ(::symlink((dir / "secret").c_str(), (rootfs() + "/boot/abs").c_str()), 0);
  EXPECT_CONTAINS(error_for({{"inmate", "/boot/abs"}}), "inmate \"/boot/abs\": no such file in the image");
  // A relative link climbing out is clamped at the image's root.
  ASSERT_EQ(::symlink("../../../../secret", (rootfs() + "/boot/rel").c_str()), 0);
  EXPECT_CONTAINS(error_for({{"inmate", "/boot/rel"}}), "no such file in the image");
  // A directory link to / is the image's root, not the host's.
  ASSERT_EQ(::symlink("/", (rootfs() + "/up").c_str()), 0);
  std::string name = std::string(dir.path()).substr(1) + "/secret";  // the host path, relative
  EXPECT_CONTAINS(error_for({{"inmate", "/up/" + name}}), "no such file in the image");

  // When the image holds the target, the link resolves to the image's copy.
  ASSERT_TRUE(mkdir_p(rootfs() + "/etc"));
  put("etc/passwd", "image");
  ASSERT_EQ(::symlink("/etc/passwd", (rootfs() + "/boot/passwd").c_str()), 0);
  config({{"inmate", "/boot/passwd"}});
  auto c = load_boot_config(rootfs());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->inmate.image_path, "/boot/passwd");
  EXPECT_EQ(read_file(c->inmate.host_path).value_or(""), "image");
  EXPECT_TRUE(c->inmate.host_path.ends_with("/rootfs/etc/passwd")) << c->inmate.host_path;
}

TEST_F(PartitionBootConfig, ConfigItselfMayNotLinkOut) {
  ASSERT_TRUE(write_file_atomic(dir / "host.json", "{\"os_var\": \"host\"}"));
  ASSERT_EQ(::symlink((dir / "host.json").c_str(), (rootfs() + "/boot/configuration.json").c_str()), 0);
  EXPECT_FALSE(has_boot_config(rootfs()));
  put("boot/config.json", "{\"os_var\": \"image\"}");
  auto c = load_boot_config(rootfs());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->os_var, "image");
}

}  // namespace
}  // namespace runz::backends::partition
