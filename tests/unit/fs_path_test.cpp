// Lexical path helpers: clean_path (never above "/") and path_join.
#include <gtest/gtest.h>

#include <string>

#include "util/fs.hpp"

namespace runz {
namespace {

TEST(CleanPath, AlreadyClean) {
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("/a"), "/a");
  EXPECT_EQ(clean_path("/a/b/c"), "/a/b/c");
}

TEST(CleanPath, CollapsesSlashesAndDots) {
  EXPECT_EQ(clean_path("//"), "/");
  EXPECT_EQ(clean_path("///a//b///"), "/a/b");
  EXPECT_EQ(clean_path("/a/./b/."), "/a/b");
  EXPECT_EQ(clean_path("/./././"), "/");
  EXPECT_EQ(clean_path("/a/b/"), "/a/b");
}

TEST(CleanPath, DotDotPopsButNeverAboveRoot) {
  EXPECT_EQ(clean_path("/a/b/../c"), "/a/c");
  EXPECT_EQ(clean_path("/a/b/../../c"), "/c");
  EXPECT_EQ(clean_path("/.."), "/");
  EXPECT_EQ(clean_path("/../.."), "/");
  EXPECT_EQ(clean_path("/../../etc"), "/etc");
  EXPECT_EQ(clean_path("/a/../../../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(clean_path("/proc/self/../../../../sys"), "/sys");
  EXPECT_EQ(clean_path("/a/b/c/../../.."), "/");
}

TEST(CleanPath, RelativeInputIsTreatedAsUnderRoot) {
  EXPECT_EQ(clean_path("../../etc"), "/etc");
  EXPECT_EQ(clean_path("a/b"), "/a/b");
  EXPECT_EQ(clean_path("."), "/");
  EXPECT_EQ(clean_path(".."), "/");
  EXPECT_EQ(clean_path(""), "/");
  EXPECT_EQ(clean_path("./x/../y"), "/y");
}

TEST(CleanPath, DotsThatAreNamesAreKept) {
  EXPECT_EQ(clean_path("/..."), "/...");
  EXPECT_EQ(clean_path("/a/..b/.c/c./c.."), "/a/..b/.c/c./c..");
  EXPECT_EQ(clean_path("/a/.../.."), "/a");
}

TEST(CleanPath, OddBytesArePreserved) {
  EXPECT_EQ(clean_path("/caf\xc3\xa9/x y/\t"), "/caf\xc3\xa9/x y/\t");
  EXPECT_EQ(clean_path(std::string_view("/a\0b/c", 6)), std::string("/a\0b/c", 6));
  EXPECT_EQ(clean_path("/a\\..\\b"), "/a\\..\\b") << "backslash is not a separator";
}

TEST(CleanPath, IsIdempotent) {
  for (const char* p : {"/", "//a/../b/./c//", "../../x", "/a/b/../../../c/./d/", "x/y/z/.."}) {
    std::string once = clean_path(p);
    EXPECT_EQ(clean_path(once), once) << p;
    EXPECT_EQ(once.front(), '/') << p;
    EXPECT_EQ(once.find("//"), std::string::npos) << p;
    EXPECT_EQ(once.find("/../"), std::string::npos) << p;
  }
}

TEST(CleanPath, LongPathsDoNotBlowUp) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "/d";
  for (int i = 0; i < 20000; ++i) deep += "/..";
  deep += "/etc";
  EXPECT_EQ(clean_path(deep), "/etc");
}

TEST(PathJoin, Basics) {
  EXPECT_EQ(path_join("/a", "b"), "/a/b");
  EXPECT_EQ(path_join("/a/", "b"), "/a/b");
  EXPECT_EQ(path_join("/a", "/b"), "/a/b");
  EXPECT_EQ(path_join("/a/", "///b"), "/a/b");
  EXPECT_EQ(path_join("/", "b"), "/b");
  EXPECT_EQ(path_join("", "b"), "/b");
  EXPECT_EQ(path_join("/a", ""), "/a/");
  EXPECT_EQ(path_join("rel", "config.json"), "rel/config.json");
}

TEST(PathJoin, DoesNotCleanSoCallersMust) {
  // path_join is purely lexical: ".." survives, which is why rootfs code resolves in-root.
  EXPECT_EQ(path_join("/bundle", "../etc"), "/bundle/../etc");
  EXPECT_EQ(clean_path(path_join("/bundle", "../../etc")), "/etc");
}

}  // namespace
}  // namespace runz
