// Result/Error: errno plus a context chain; TRY/TRYV propagate.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/result.hpp"

namespace runz {
namespace {

Result<int> half(int x) {
  if (x % 2) return fail_user("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> quarter(int x) {
  TRY(int h, half(x));
  TRY(int q, half(h));
  return q;
}

Result<void> check_even(int x) {
  TRYV(half(x));
  return {};
}

TEST(Result, UserErrorHasNoErrno) {
  Error e = user_error("bad input");
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.message, "bad input");
  EXPECT_EQ(e.what(), "bad input");
}

TEST(Result, SysErrorCarriesErrnoAndStrerror) {
  Error e = sys_error("open /x", ENOENT);
  EXPECT_EQ(e.code, ENOENT);
  EXPECT_EQ(e.message, std::string("open /x: ") + std::strerror(ENOENT));
  errno = EACCES;
  auto f = fail_sys("mount");
  EXPECT_EQ(f.error().code, EACCES);
}

TEST(Result, ContextPrefixes) {
  Result<int> r = fail_sys("mount /proc", EPERM);
  auto c = with_context(std::move(r), "create");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, EPERM);
  EXPECT_EQ(c.error().message.rfind("create: mount /proc: ", 0), 0u) << c.error().message;
  Result<int> ok = 5;
  auto still = with_context(std::move(ok), "ignored");
  ASSERT_TRUE(still);
  EXPECT_EQ(*still, 5);
}

TEST(Result, TryPropagates) {
  EXPECT_EQ(quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "odd: 3");
  EXPECT_TRUE(check_even(4));
  EXPECT_FALSE(check_even(5));
}

}  // namespace
}  // namespace runz
