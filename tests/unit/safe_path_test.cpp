// Paths resolved inside a container root (openat2 RESOLVE_IN_ROOT): no "..", absolute or
// relative symlink may lead out of it. The "root" here is a temporary directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "linux/safe_path.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::linux {
namespace {

using test::TempDir;

class SafePath : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(mkdir_p(root()));
    ASSERT_TRUE(mkdir_p(outside()));
    ASSERT_TRUE(write_file_atomic(outside() + "/secret", "host data"));
    root_fd_ = Fd(::open(root().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_fd_);
    auto probe = open_in_root(root_fd_.get(), "/", O_PATH);
    if (!probe && probe.error().code == ENOSYS) GTEST_SKIP() << "openat2 not available";
    ASSERT_TRUE(probe) << probe.error().message;
  }
  std::string root() const { return tmp_ / "root"; }
  std::string outside() const { return tmp_ / "outside"; }
  void link(const std::string& target, const std::string& name_in_root) {
    ASSERT_EQ(::symlink(target.c_str(), (root() + name_in_root).c_str()), 0) << name_in_root;
  }
  // The path an fd really refers to.
  static std::string where(const Fd& fd) {
    char buf[4096];
    ssize_t n = ::readlink(fd_path(fd.get()).c_str(), buf, sizeof buf - 1);
    return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
  }

  TempDir tmp_;
  Fd root_fd_;
};

TEST_F(SafePath, OpensWhatIsInside) {
  ASSERT_TRUE(mkdir_p(root() + "/etc"));
  ASSERT_TRUE(write_file_atomic(root() + "/etc/hosts", "in root"));
  auto fd = open_in_root(root_fd_.get(), "/etc/hosts", O_RDONLY);
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_EQ(*read_fd(fd->get()), "in root");
  auto dot = open_in_root(root_fd_.get(), "/", O_PATH | O_DIRECTORY);
  ASSERT_TRUE(dot);
  EXPECT_EQ(where(*dot), root());
}

TEST_F(SafePath, DotDotStaysInside) {
  for (const char* p : {"/../outside/secret", "../outside/secret", "/etc/../../outside/secret", "/../../../../outside/secret"}) {
    auto fd = open_in_root(root_fd_.get(), p, O_RDONLY);
    ASSERT_FALSE(fd) << p << " opened " << where(*fd);
    EXPECT_EQ(fd.error().code, ENOENT) << p;
  }
}

TEST_F(SafePath, AbsoluteSymlinkIsResolvedInsideRoot) {
  link(outside(), "/abs");
  auto fd = open_in_root(root_fd_.get(), "/abs/secret", O_RDONLY);
  ASSERT_FALSE(fd) << "followed a symlink out of the root to " << where(*fd);
  EXPECT_EQ(fd.error().code, ENOENT);
}

TEST_F(SafePath, RelativeSymlinkCannotClimbOut) {
  link("../../../../../outside", "/rel");
  auto fd = open_in_root(root_fd_.get(), "/rel/secret", O_RDONLY);
  ASSERT_FALSE(fd) << "followed a symlink out of the root to " << where(*fd);
  // And when the in-root target exists, that is what is opened.
  ASSERT_TRUE(mkdir_p(root() + "/outside"));
  ASSERT_TRUE(write_file_atomic(root() + "/outside/secret", "decoy"));
  auto in = open_in_root(root_fd_.get(), "/rel/secret", O_RDONLY);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(*read_fd(in->get()), "decoy");
}

TEST_F(SafePath, SymlinkToRootSlashIsTheContainerRoot) {
  link("/", "/slash");
  auto fd = open_in_root(root_fd_.get(), "/slash", O_PATH | O_DIRECTORY);
  ASSERT_TRUE(fd);
  EXPECT_EQ(where(*fd), root());
}

TEST_F(SafePath, MagicLinksAreRefused) {
  ASSERT_TRUE(mkdir_p(root() + "/proc"));
  link("/proc/self/root", "/proc/me");  // dangling inside root: no magic link reachable this way
  EXPECT_FALSE(open_in_root(root_fd_.get(), "/proc/me/etc/passwd", O_RDONLY));
}

TEST_F(SafePath, MkdirAllCreatesInside) {
  auto fd = mkdir_all_in_root(root_fd_.get(), "/a/b/../c/./d");
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_EQ(where(*fd), root() + "/a/c/d");
  struct stat st {};
  EXPECT_EQ(::stat((root() + "/a/c/d").c_str(), &st), 0);
  EXPECT_FALSE(path_exists(root() + "/a/b"));
  // Again: it exists, so it is just opened.
  auto again = mkdir_all_in_root(root_fd_.get(), "/a/c/d");
  ASSERT_TRUE(again);
  EXPECT_EQ(where(*again), root() + "/a/c/d");
}

TEST_F(SafePath, MkdirAllFollowsInRootSymlinks) {
  ASSERT_TRUE(mkdir_p(root() + "/real"));
  link("/real", "/alias");
  auto fd = mkdir_all_in_root(root_fd_.get(), "/alias/sub");
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_EQ(where(*fd), root() + "/real/sub");
}

TEST_F(SafePath, MkdirAllDoesNotCreateOutside) {
  link(outside(), "/abs");
  link("../../../../..", "/up");
  (void)mkdir_all_in_root(root_fd_.get(), "/abs/created");
  (void)mkdir_all_in_root(root_fd_.get(), "/up/created2");
  (void)mkdir_all_in_root(root_fd_.get(), "/../created3");
  EXPECT_FALSE(path_exists(outside() + "/created"));
  EXPECT_FALSE(path_exists(tmp_ / "created2"));
  EXPECT_FALSE(path_exists(tmp_ / "created3"));
  EXPECT_TRUE(path_exists(root() + "/created3")) << "\"..\" at the top is the root itself";
}

TEST_F(SafePath, MkdirAllThroughAFileFails) {
  ASSERT_TRUE(write_file_atomic(root() + "/file", "x"));
  auto fd = mkdir_all_in_root(root_fd_.get(), "/file/sub");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ENOTDIR);
}

TEST_F(SafePath, EnsureFileCreatesParentsAndFile) {
  auto fd = ensure_in_root(root_fd_.get(), "/dev/../etc/resolv.conf", false);
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_EQ(where(*fd), root() + "/etc/resolv.conf");
  struct stat st {};
  ASSERT_EQ(::stat((root() + "/etc/resolv.conf").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_size, 0);
  // Existing file: kept as is.
  ASSERT_TRUE(write_file_atomic(root() + "/etc/resolv.conf", "nameserver 1.1.1.1"));
  ASSERT_TRUE(ensure_in_root(root_fd_.get(), "/etc/resolv.conf", false));
  EXPECT_EQ(*read_file(root() + "/etc/resolv.conf"), "nameserver 1.1.1.1");
}

TEST_F(SafePath, EnsureDirectory) {
  auto fd = ensure_in_root(root_fd_.get(), "/sys/fs/cgroup", true);
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_EQ(where(*fd), root() + "/sys/fs/cgroup");
}

TEST_F(SafePath, EnsureFileRefusesADanglingSymlinkOut) {
  link(outside() + "/planted", "/dangling");
  auto fd = ensure_in_root(root_fd_.get(), "/dangling", false);
  EXPECT_FALSE(fd) << "created through a dangling symlink: " << where(*fd);
  EXPECT_FALSE(path_exists(outside() + "/planted"));
}

TEST_F(SafePath, EnsureFileThroughASymlinkedParentStaysInside) {
  link(outside(), "/etc");
  auto fd = ensure_in_root(root_fd_.get(), "/etc/passwd", false);
  EXPECT_FALSE(path_exists(outside() + "/passwd"));
  if (fd) {
    EXPECT_TRUE(where(*fd).starts_with(root() + "/")) << where(*fd);
  }
}

TEST(FdPath, NamesTheDescriptor) { EXPECT_EQ(fd_path(7), "/proc/self/fd/7"); }

}  // namespace
}  // namespace runz::linux
