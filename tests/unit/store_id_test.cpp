// validate_id: runc's container id rule (letters, digits, _ + - .; not "." or ".."), bounded length.
#include <gtest/gtest.h>

#include <string>

#include "core/store.hpp"
#include "unit_helpers.hpp"

namespace runz::core {
namespace {

TEST(ValidateId, AcceptsRuncStyleIds) {
  for (const char* id : {"a", "A", "0", "abc-123_x.y+z", "mycontainer", "-leading-dash", "_", "+", "-", "...",
                         ".hidden", "a..b", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}) {
    EXPECT_TRUE(validate_id(id)) << id;
  }
}

TEST(ValidateId, EmptyIsRejected) {
  auto r = validate_id("");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "container id cannot be empty");
}

TEST(ValidateId, DotAndDotDotAreRejected) {
  for (const char* id : {".", ".."}) {
    auto r = validate_id(id);
    ASSERT_FALSE(r) << id;
    EXPECT_CONTAINS(r.error().message, std::string("invalid container id \"") + id + "\"");
  }
}

TEST(ValidateId, PathSeparatorsAndTraversalAreRejected) {
  for (const char* id : {"a/b", "/", "/abs", "../x", "x/..", "./x", "a\\b", "..%2f"}) {
    auto r = validate_id(id);
    ASSERT_FALSE(r) << id;
    EXPECT_CONTAINS(r.error().message, "only letters, digits and _+-. are allowed");
  }
}

TEST(ValidateId, WhitespaceControlAndPunctuationAreRejected) {
  for (const char* id : {"a b", " ", " a", "a ", "a\tb", "a\nb", "a\rb", "a:b", "a*b", "a;b", "$x", "a@b", "a=b",
                         "a~b", "a'b", "a\"b", "a|b", "a#b", "a%b", "a,b", "\x7f", "\x01"}) {
    EXPECT_FALSE(validate_id(id)) << "\"" << id << "\"";
  }
}

TEST(ValidateId, NonAsciiIsRejected) {
  for (const char* id : {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xff", "a\x80", "\xef\xbb\xbf" "abc"}) {
    EXPECT_FALSE(validate_id(id)) << id;
  }
}

TEST(ValidateId, EmbeddedNulIsRejected) {
  EXPECT_FALSE(validate_id(std::string_view("abc\0def", 7)));
  EXPECT_FALSE(validate_id(std::string_view("\0", 1)));
}

TEST(ValidateId, LengthIsBoundedAt1024) {
  EXPECT_TRUE(validate_id(std::string(1024, 'a')));
  auto r = validate_id(std::string(1025, 'a'));
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "longer than 1024 characters");
  EXPECT_FALSE(validate_id(std::string(1 << 20, 'a')));
}

TEST(ValidateId, ErrorsAreUserErrors) {
  auto r = validate_id("a/b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 0);
}

}  // namespace
}  // namespace runz::core
