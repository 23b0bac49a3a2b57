// The newc cpio writer and the initramfs layout, checked by parsing the archive back.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "backends/vm/guest_process.hpp"
#include "backends/vm/initramfs.hpp"
#include "backends/vm/newc_archive.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::TempDir;

struct CpioEntry {
  std::string name;
  uint32_t ino = 0, mode = 0, nlink = 0, rdev_major = 0, rdev_minor = 0;
  std::string data;
};

// A strict newc reader: checks magic, hex fields, 4-byte alignment and the trailer.
std::vector<CpioEntry> parse_newc(const std::string& a) {
  std::vector<CpioEntry> entries;
  size_t pos = 0;
  for (;;) {
    EXPECT_EQ(pos % 4, 0u);
    if (pos + 110 > a.size()) {
      ADD_FAILURE() << "truncated header at " << pos;
      return entries;
    }
    EXPECT_EQ(a.substr(pos, 6), "070701");
    uint32_t f[13];
    for (int i = 0; i < 13; ++i) {
      std::string hex = a.substr(pos + 6 + 8 * i, 8);
      EXPECT_EQ(hex.find_first_not_of("0123456789ABCDEF"), std::string::npos) << hex;
      f[i] = static_cast<uint32_t>(std::stoul(hex, nullptr, 16));
    }
    CpioEntry e;
    e.ino = f[0];
    e.mode = f[1];
    e.nlink = f[4];
    e.rdev_major = f[9];
    e.rdev_minor = f[10];
    uint32_t filesize = f[6], namesize = f[11];
    EXPECT_EQ(f[12], 0u);  // check field unused in 070701
    size_t name_at = pos + 110;
    EXPECT_EQ(a[name_at + namesize - 1], '\0');
    e.name = a.substr(name_at, namesize - 1);
    size_t data_at = (name_at + namesize + 3) & ~size_t{3};
    for (size_t i = name_at + namesize; i < data_at; ++i) EXPECT_EQ(a[i], '\0');
    e.data = a.substr(data_at, filesize);
    size_t next = (data_at + filesize + 3) & ~size_t{3};
    for (size_t i = data_at + filesize; i < next; ++i) EXPECT_EQ(a[i], '\0');
    pos = next;
    if (e.name == "TRAILER!!!") {
      EXPECT_EQ(pos, a.size());
      EXPECT_EQ(filesize, 0u);
      return entries;
    }
    entries.push_back(std::move(e));
  }
}

TEST(NewcArchive, HeadersPaddingAndTrailer) {
  NewcArchive archive;
  archive.add_directory("d");
  archive.add_file("d/f", "abcde", 0640);  // 5 bytes: 3 of padding
  archive.add_file("empty", "");
  archive.add_char_device("console", 5, 1, 0600);
  std::string bytes = archive.finish();
  ASSERT_EQ(bytes.size() % 4, 0u);
  // First header: magic, inode 1, a directory 0755 with two links, name "d".
  EXPECT_EQ(bytes.substr(0, 6 + 8 * 2), "070701" "00000001" "000041ED");
  auto entries = parse_newc(bytes);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].name, "d");
  EXPECT_EQ(entries[0].mode, S_IFDIR | 0755u);
  EXPECT_EQ(entries[0].nlink, 2u);
  EXPECT_EQ(entries[1].name, "d/f");
  EXPECT_EQ(entries[1].mode, S_IFREG | 0640u);
  EXPECT_EQ(entries[1].data, "abcde");
  EXPECT_EQ(entries[2].data, "");
  EXPECT_EQ(entries[3].mode, S_IFCHR | 0600u);
  EXPECT_EQ(entries[3].rdev_major, 5u);
  EXPECT_EQ(entries[3].rdev_minor, 1u);
  std::vector<uint32_t> inos;
  for (const auto& e : entries) inos.push_back(e.ino);
  EXPECT_EQ(inos, (std::vector<uint32_t>{1, 2, 3, 4}));
  // The archive starts over after finish.
  EXPECT_EQ(parse_newc(archive.finish()).size(), 0u);
}

TEST(NewcArchive, EveryNameLengthPadsCorrectly) {
  NewcArchive archive;
  std::string name;
  for (int n = 1; n <= 9; ++n) {
    name += "x";
    archive.add_file(name, std::string(n, 'd'));
  }
  auto entries = parse_newc(archive.finish());
  ASSERT_EQ(entries.size(), 9u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].name, std::string(i + 1, 'x'));
    EXPECT_EQ(entries[i].data, std::string(i + 1, 'd'));
  }
}

TEST(Initramfs, HoldsInitProcessAndModulesInOrder) {
  TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp / "init", "\x7f" "ELF-init", 0755));
  ASSERT_TRUE(mkdir_p(tmp / "a"));
  ASSERT_TRUE(mkdir_p(tmp / "b"));
  ASSERT_TRUE(write_file_atomic(tmp / "b/virtio.ko", "V"));
  ASSERT_TRUE(write_file_atomic(tmp / "a/9p.ko", "P"));
  InitramfsContent content;
  content.init_binary = tmp / "init";
  GuestProcess p;
  p.args = {"true"};
  content.process = encode_guest_process(p);
  content.modules = {tmp / "b/virtio.ko", tmp / "a/9p.ko"};
  ASSERT_TRUE(write_initramfs(tmp / "out.cpio", content));
  auto bytes = read_file(tmp / "out.cpio");
  ASSERT_TRUE(bytes);
  std::map<std::string, CpioEntry> by_name;
  std::vector<std::string> names;
  for (auto& e : parse_newc(*bytes)) {
    names.push_back(e.name);
    by_name[e.name] = e;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"init", "dev", "dev/console", "runz", "runz/process",
                                             "runz/modules.d", "runz/modules.d/virtio.ko",
                                             "runz/modules.d/9p.ko", "runz/modules"}));
  EXPECT_EQ(by_name["init"].mode, S_IFREG | 0755u);
  EXPECT_EQ(by_name["init"].data, "\x7f" "ELF-init");
  EXPECT_EQ(by_name["dev/console"].mode, S_IFCHR | 0600u);
  EXPECT_EQ(by_name["runz/process"].data, content.process);
  EXPECT_EQ(by_name["runz/modules.d/9p.ko"].data, "P");
  EXPECT_EQ(by_name["runz/modules"].data,
            "/runz/modules.d/virtio.ko\n/runz/modules.d/9p.ko\n");
}

TEST(Initramfs, FailsClearlyOnMissingFiles) {
  TempDir tmp;
  InitramfsContent content;
  content.init_binary = tmp / "nope";
  auto r = write_initramfs(tmp / "out.cpio", content);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("read guest init"), std::string::npos);
  EXPECT_FALSE(path_exists(tmp / "out.cpio"));
  ASSERT_TRUE(write_file_atomic(tmp / "init", "x"));
  content.init_binary = tmp / "init";
  content.modules = {tmp / "missing.ko"};
  r = write_initramfs(tmp / "out.cpio", content);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("read kernel module"), std::string::npos);
  ASSERT_TRUE(mkdir_p(tmp / "x"));
  ASSERT_TRUE(write_file_atomic(tmp / "x/m.ko", "1"));
  ASSERT_TRUE(write_file_atomic(tmp / "m.ko", "2"));
  content.modules = {tmp / "x/m.ko", tmp / "m.ko"};
  r = write_initramfs(tmp / "out.cpio", content);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("two kernel modules named m.ko"), std::string::npos);
}

}  // namespace
}  // namespace runz::backends::vm
