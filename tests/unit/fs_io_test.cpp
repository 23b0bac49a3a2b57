// File helpers against a temporary directory: read/write, atomic replace, mkdir_p, remove_tree.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz {
namespace {

using test::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class FsIo : public ::testing::Test {
 protected:
  void SetUp() override { old_umask_ = ::umask(022); }
  void TearDown() override { ::umask(old_umask_); }
  TempDir tmp_;
  mode_t old_umask_ = 0;
};

TEST_F(FsIo, WriteAtomicThenRead) {
  std::string p = tmp_ / "f";
  ASSERT_TRUE(write_file_atomic(p, "hello"));
  auto r = read_file(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(mode_of(p), 0644u);
  EXPECT_FALSE(path_exists(p + ".tmp"));
}

TEST_F(FsIo, WriteAtomicReplacesAndHonoursMode) {
  std::string p = tmp_ / "f";
  ASSERT_TRUE(write_file_atomic(p, "a much longer first version", 0600));
  ASSERT_TRUE(write_file_atomic(p, "short", 0600));
  EXPECT_EQ(*read_file(p), "short");
  EXPECT_EQ(mode_of(p), 0600u);
}

TEST_F(FsIo, WriteAtomicBinaryAndEmpty) {
  std::string data("\0\x01\xff\n", 4);
  ASSERT_TRUE(write_file_atomic(tmp_ / "bin", data));
  EXPECT_EQ(*read_file(tmp_ / "bin"), data);
  ASSERT_TRUE(write_file_atomic(tmp_ / "empty", ""));
  EXPECT_EQ(*read_file(tmp_ / "empty"), "");
}

TEST_F(FsIo, WriteAtomicLargeFile) {
  std::string big(3 * 1024 * 1024 + 17, 'x');
  ASSERT_TRUE(write_file_atomic(tmp_ / "big", big));
  auto r = read_file(tmp_ / "big");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), big.size());
}

TEST_F(FsIo, WriteAtomicIntoMissingDirectoryFails) {
  auto r = write_file_atomic(tmp_ / "no/such/dir/f", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
}

TEST_F(FsIo, WriteAtomicOverADirectoryFailsAndCleansUp) {
  ASSERT_TRUE(mkdir_p(tmp_ / "d"));
  auto r = write_file_atomic(tmp_ / "d", "x");
  ASSERT_FALSE(r);
  EXPECT_FALSE(path_exists(tmp_ / "d.tmp")) << "the temporary file is removed on failure";
}

TEST_F(FsIo, WriteAtomicReplacesASymlinkInsteadOfFollowingIt) {
  std::string target = tmp_ / "target";
  ASSERT_TRUE(write_file_atomic(target, "original"));
  ASSERT_EQ(::symlink(target.c_str(), (tmp_ / "link").c_str()), 0);
  ASSERT_TRUE(write_file_atomic(tmp_ / "link", "new"));
  EXPECT_EQ(*read_file(target), "original");
  struct stat st {};
  ASSERT_EQ(::lstat((tmp_ / "link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(FsIo, ReadMissingFileIsEnoent) {
  auto r = read_file(tmp_ / "missing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_NE(r.error().message.find(tmp_ / "missing"), std::string::npos);
}

TEST_F(FsIo, ReadDirectoryFails) {
  auto r = read_file(tmp_.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EISDIR);
}

TEST_F(FsIo, WriteExistingDoesNotCreateNorTruncate) {
  auto r = write_existing(tmp_ / "absent", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_FALSE(path_exists(tmp_ / "absent"));

  ASSERT_TRUE(write_file_atomic(tmp_ / "f", "abcdef"));
  ASSERT_TRUE(write_existing(tmp_ / "f", "XY"));
  EXPECT_EQ(*read_file(tmp_ / "f"), "XYcdef");
}

TEST_F(FsIo, MkdirPCreatesEveryLevel) {
  std::string deep = tmp_ / "a/b/c/d";
  ASSERT_TRUE(mkdir_p(deep, 0750));
  struct stat st {};
  ASSERT_EQ(::stat(deep.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(mode_of(deep), 0750u);
  EXPECT_EQ(mode_of(tmp_ / "a"), 0750u);
  EXPECT_TRUE(mkdir_p(deep)) << "existing is fine";
  EXPECT_TRUE(mkdir_p(deep + "/")) << "trailing slash";
  EXPECT_TRUE(mkdir_p(tmp_ / "x//y")) << "double slash";
  EXPECT_TRUE(path_exists(tmp_ / "x/y"));
  EXPECT_TRUE(mkdir_p("")) << "empty is a no-op";
}

TEST_F(FsIo, MkdirPThroughAFileFails) {
  ASSERT_TRUE(write_file_atomic(tmp_ / "file", "x"));
  auto r = mkdir_p(tmp_ / "file/sub");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOTDIR);
}

TEST_F(FsIo, RemoveTreeRemovesEverything) {
  ASSERT_TRUE(mkdir_p(tmp_ / "t/a/b/c"));
  ASSERT_TRUE(write_file_atomic(tmp_ / "t/a/f1", "x"));
  ASSERT_TRUE(write_file_atomic(tmp_ / "t/a/b/c/f2", "y"));
  ASSERT_EQ(::mkfifo((tmp_ / "t/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::symlink("/nonexistent", (tmp_ / "t/dangling").c_str()), 0);
  ASSERT_TRUE(remove_tree(tmp_ / "t"));
  EXPECT_FALSE(path_exists(tmp_ / "t"));
}

TEST_F(FsIo, RemoveTreeDoesNotFollowSymlinks) {
  ASSERT_TRUE(mkdir_p(tmp_ / "keep"));
  ASSERT_TRUE(write_file_atomic(tmp_ / "keep/precious", "x"));
  ASSERT_TRUE(mkdir_p(tmp_ / "t"));
  ASSERT_EQ(::symlink((tmp_ / "keep").c_str(), (tmp_ / "t/link").c_str()), 0);
  ASSERT_TRUE(remove_tree(tmp_ / "t"));
  EXPECT_FALSE(path_exists(tmp_ / "t"));
  EXPECT_TRUE(path_exists(tmp_ / "keep/precious"));

  // A symlink given as the root of the removal is removed itself, not its target.
  ASSERT_EQ(::symlink((tmp_ / "keep").c_str(), (tmp_ / "top").c_str()), 0);
  ASSERT_TRUE(remove_tree(tmp_ / "top"));
  EXPECT_FALSE(path_exists(tmp_ / "top"));
  EXPECT_TRUE(path_exists(tmp_ / "keep/precious"));
}

TEST_F(FsIo, RemoveTreeOfMissingIsFine) {
  EXPECT_TRUE(remove_tree(tmp_ / "missing"));
  EXPECT_TRUE(remove_tree(tmp_ / "missing/deeper"));
}

TEST_F(FsIo, RemoveTreeOfAFile) {
  ASSERT_TRUE(write_file_atomic(tmp_ / "f", "x"));
  ASSERT_TRUE(remove_tree(tmp_ / "f"));
  EXPECT_FALSE(path_exists(tmp_ / "f"));
}

TEST_F(FsIo, PathExistsDoesNotFollowSymlinks) {
  ASSERT_EQ(::symlink("/nonexistent/target", (tmp_ / "dangling").c_str()), 0);
  EXPECT_TRUE(path_exists(tmp_ / "dangling"));
  EXPECT_FALSE(path_exists(tmp_ / "nothing"));
}

TEST_F(FsIo, OpenFdIsCloseOnExec) {
  ASSERT_TRUE(write_file_atomic(tmp_ / "f", "x"));
  auto fd = open_fd(tmp_ / "f", O_RDONLY);
  ASSERT_TRUE(fd);
  int flags = ::fcntl(fd->get(), F_GETFD);
  EXPECT_TRUE(flags & FD_CLOEXEC);
  auto bad = open_fd(tmp_ / "nope", O_RDONLY);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ENOENT);
}

TEST_F(FsIo, ReadFdReadsToEnd) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Fd r(p[0]), w(p[1]);
  ASSERT_TRUE(write_all(w.get(), "through a pipe"));
  w.reset();
  auto text = read_fd(r.get());
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "through a pipe");
}

TEST(FdOwner, ClosesOnDestructionAndMoves) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  int raw = p[0];
  {
    Fd a(p[0]);
    Fd b(std::move(a));
    EXPECT_FALSE(a.valid());
    EXPECT_EQ(b.get(), raw);
    Fd c;
    c = std::move(b);
    EXPECT_EQ(c.get(), raw);
    EXPECT_FALSE(b);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1) << "closed";
  Fd w(p[1]);
  int released = w.release();
  EXPECT_FALSE(w.valid());
  EXPECT_NE(::fcntl(released, F_GETFD), -1) << "release does not close";
  ::close(released);
}

}  // namespace
}  // namespace runz
