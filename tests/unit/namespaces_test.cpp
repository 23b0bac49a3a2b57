// open_namespace_paths: a path given for a namespace must be a namespace of that type.
// Only opens files (our own /proc/self/ns entries and a temporary file); joins nothing.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "linux/namespaces.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::linux {
namespace {

oci::Linux with(std::vector<oci::Namespace> ns) {
  oci::Linux l;
  l.namespaces = std::move(ns);
  return l;
}

bool have(const char* proc_name) { return path_exists(std::string("/proc/self/ns/") + proc_name); }

TEST(NamespacePaths, NewNamespacesOpenNothing) {
  auto r = open_namespace_paths(with({{"pid", ""}, {"network", ""}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->empty());
}

TEST(NamespacePaths, OwnNamespacesOpenWithTheirFlag) {
  if (!have("net") || !have("uts")) GTEST_SKIP() << "no /proc/self/ns";
  auto r = open_namespace_paths(with({{"uts", "/proc/self/ns/uts"}, {"network", "/proc/self/ns/net"}}));
  if (!r && r.error().code == EACCES) GTEST_SKIP() << r.error().message;
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  // In the spec's join order, not the config's.
  EXPECT_EQ((*r)[0].type, "uts");
  EXPECT_EQ((*r)[1].type, "network");
  EXPECT_EQ((*r)[1].flag, namespace_flag("network"));
  EXPECT_TRUE((*r)[1].fd);
}

TEST(NamespacePaths, WrongTypeIsRejected) {
  if (!have("net")) GTEST_SKIP() << "no /proc/self/ns";
  auto r = open_namespace_paths(with({{"pid", "/proc/self/ns/net"}}));
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "is a namespace of another type");
}

TEST(NamespacePaths, RegularFileIsNotANamespace) {
  test::TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp / "fake", "x"));
  auto r = open_namespace_paths(with({{"network", tmp / "fake"}}));
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "is not a namespace");
}

TEST(NamespacePaths, MissingPathFails) {
  test::TempDir tmp;
  auto r = open_namespace_paths(with({{"ipc", tmp / "missing"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_CONTAINS(r.error().message, "ipc namespace");
}

}  // namespace
}  // namespace runz::linux
