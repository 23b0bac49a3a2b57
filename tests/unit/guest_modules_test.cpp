// Resolving the 9p modules of a guest kernel on fake lib/modules/<version> trees: from
// modules.dep when depmod ran, from each module's .modinfo when it did not.
#include <elf.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "backends/vm/guest_modules.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::TempDir;
using namespace std::string_literals;

// A relocatable ELF64 with just a .modinfo section holding "depends=<deps>".
std::string fake_module(const std::string& name, const std::string& deps) {
  std::string shstrtab = "\0.shstrtab\0.modinfo\0"s;  // names at 1 and 11
  std::string modinfo = "license=GPL\0depends="s + deps + "\0name="s + name + "\0"s;
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_REL;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof eh;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  eh.e_shstrndx = 1;
  size_t strtab_at = sizeof eh, modinfo_at = strtab_at + shstrtab.size();
  eh.e_shoff = (modinfo_at + modinfo.size() + 7) & ~size_t{7};
  Elf64_Shdr sh[3]{};
  sh[1].sh_name = 1;
  sh[1].sh_type = SHT_STRTAB;
  sh[1].sh_offset = strtab_at;
  sh[1].sh_size = shstrtab.size();
  sh[2].sh_name = 11;
  sh[2].sh_type = SHT_PROGBITS;
  sh[2].sh_offset = modinfo_at;
  sh[2].sh_size = modinfo.size();
  std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
  out += shstrtab + modinfo;
  out.resize(eh.e_shoff, '\0');
  out.append(reinterpret_cast<const char*>(sh), sizeof sh);
  return out;
}

struct FakeModule {
  std::string path, name, deps;
};

// The 9p stack of Debian's 6.1 amd64 kernel, with its real "depends=" lines.
const std::vector<FakeModule> kDebian9p = {
    {"kernel/drivers/virtio/virtio_ring.ko", "virtio_ring", ""},
    {"kernel/drivers/virtio/virtio.ko", "virtio", "virtio_ring"},
    {"kernel/drivers/virtio/virtio_mmio.ko", "virtio_mmio", "virtio,virtio_ring"},
    {"kernel/net/9p/9pnet.ko", "9pnet", ""},
    {"kernel/net/9p/9pnet_virtio.ko", "9pnet_virtio", "virtio,9pnet,virtio_ring"},
    {"kernel/fs/netfs/netfs.ko", "netfs", ""},
    {"kernel/fs/fscache/fscache.ko", "fscache", "netfs"},
    {"kernel/fs/9p/9p.ko", "9p", "9pnet,fscache,netfs"},
    {"kernel/fs/ext4/ext4.ko", "ext4", "jbd2"},
};

class GuestModules : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& m : kDebian9p) {
      std::string full = dir_ + "/" + m.path;
      ASSERT_TRUE(mkdir_p(full.substr(0, full.rfind('/'))));
      ASSERT_TRUE(write_file_atomic(full, fake_module(m.name, m.deps)));
    }
  }
  std::vector<std::string> relative(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(p.substr(dir_.size() + 1));
    return out;
  }
  std::string error_of(const std::vector<std::string>& names) {
    auto r = find_guest_modules(dir_, names);
    return r ? "(resolved)" : r.error().message;
  }
  TempDir tmp_;
  std::string dir_ = tmp_ / "lib/modules/6.1.0-test-amd64";
};

TEST_F(GuestModules, ReadsDependsFromModinfo) {
  auto deps = read_module_depends(dir_ + "/kernel/fs/9p/9p.ko");
  ASSERT_TRUE(deps) << deps.error().message;
  EXPECT_EQ(*deps, (std::vector<std::string>{"9pnet", "fscache", "netfs"}));
  deps = read_module_depends(dir_ + "/kernel/net/9p/9pnet.ko");
  ASSERT_TRUE(deps);
  EXPECT_TRUE(deps->empty());
}

TEST_F(GuestModules, DependencyOrderWithoutModulesDep) {
  auto r = find_guest_modules(dir_, kGuest9pModules);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(relative(*r), (std::vector<std::string>{
                              "kernel/drivers/virtio/virtio_ring.ko",
                              "kernel/drivers/virtio/virtio.ko",
                              "kernel/drivers/virtio/virtio_mmio.ko", "kernel/net/9p/9pnet.ko",
                              "kernel/net/9p/9pnet_virtio.ko", "kernel/fs/netfs/netfs.ko",
                              "kernel/fs/fscache/fscache.ko", "kernel/fs/9p/9p.ko"}));
}

TEST_F(GuestModules, DashesAndDuplicatesResolveOnce) {
  auto r = find_guest_modules(dir_, {"9pnet-virtio", "virtio_ring", "9pnet_virtio"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(relative(*r), (std::vector<std::string>{"kernel/drivers/virtio/virtio_ring.ko",
                                                    "kernel/drivers/virtio/virtio.ko",
                                                    "kernel/net/9p/9pnet.ko",
                                                    "kernel/net/9p/9pnet_virtio.ko"}));
}

TEST_F(GuestModules, UsesModulesDepAndSkipsBuiltins) {
  // depmod's view wins over .modinfo: here 9p needs only 9pnet, and virtio is built in.
  ASSERT_TRUE(write_file_atomic(dir_ + "/modules.dep",
                                "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko\n"
                                "kernel/net/9p/9pnet.ko:\n"
                                "kernel/net/9p/9pnet_virtio.ko: kernel/drivers/virtio/virtio.ko "
                                "kernel/net/9p/9pnet.ko\n"
                                "kernel/drivers/virtio/virtio_mmio.ko: "
                                "kernel/drivers/virtio/virtio.ko\n"));
  ASSERT_TRUE(write_file_atomic(dir_ + "/modules.builtin", "kernel/drivers/virtio/virtio.ko\n"));
  auto r = find_guest_modules(dir_, kGuest9pModules);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(relative(*r), (std::vector<std::string>{"kernel/drivers/virtio/virtio_mmio.ko",
                                                    "kernel/net/9p/9pnet.ko",
                                                    "kernel/net/9p/9pnet_virtio.ko",
                                                    "kernel/fs/9p/9p.ko"}));
}

TEST_F(GuestModules, ClearErrors) {
  EXPECT_NE(error_of({"nosuch"}).find("kernel module nosuch not found in " + dir_),
            std::string::npos);
  // ext4 depends on jbd2, which this tree lacks.
  EXPECT_NE(error_of({"ext4"}).find("kernel module jbd2 not found"), std::string::npos);
  ASSERT_TRUE(mkdir_p(dir_ + "/kernel/x"));
  ASSERT_TRUE(write_file_atomic(dir_ + "/kernel/x/zz.ko.xz", "xz"));
  EXPECT_NE(error_of({"zz"}).find("is compressed"), std::string::npos);
  ASSERT_TRUE(write_file_atomic(dir_ + "/kernel/x/loop_a.ko", fake_module("loop_a", "loop_b")));
  ASSERT_TRUE(write_file_atomic(dir_ + "/kernel/x/loop_b.ko", fake_module("loop_b", "loop_a")));
  EXPECT_NE(error_of({"loop_a"}).find("dependency cycle"), std::string::npos);
  ASSERT_TRUE(write_file_atomic(dir_ + "/kernel/x/junk.ko", "not an elf"));
  EXPECT_NE(error_of({"junk"}).find("not a 64-bit little-endian ELF"), std::string::npos);
  auto missing_dir = find_guest_modules(tmp_ / "nowhere", {"9p"});
  ASSERT_FALSE(missing_dir);
  EXPECT_NE(missing_dir.error().message.find("find kernel modules"), std::string::npos);
}

}  // namespace
}  // namespace runz::backends::vm
