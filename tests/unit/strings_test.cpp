// String helpers used by the parsers: split, trim, parse_int/parse_uint, to_upper, join.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "util/strings.hpp"

namespace runz {
namespace {

using V = std::vector<std::string>;

TEST(Split, KeepsEmptyFields) {
  EXPECT_EQ(split("a,b,c", ','), (V{"a", "b", "c"}));
  EXPECT_EQ(split("", ','), (V{""}));
  EXPECT_EQ(split(",", ','), (V{"", ""}));
  EXPECT_EQ(split("a,,b,", ','), (V{"a", "", "b", ""}));
  EXPECT_EQ(split("/a/b", '/'), (V{"", "a", "b"}));
  EXPECT_EQ(split("nosep", ','), (V{"nosep"}));
}

TEST(Split, JoinIsItsInverse) {
  for (const char* s : {"", "a", "a,b", ",,", "x,,y,"}) EXPECT_EQ(join(split(s, ','), ","), s) << s;
  EXPECT_EQ(join({}, ","), "");
  EXPECT_EQ(join({"a"}, ", "), "a");
  EXPECT_EQ(join({"a", "b", "c"}, "::"), "a::b::c");
}

TEST(Trim, Whitespace) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t\r\n\v\f"), "");
  EXPECT_EQ(trim("x"), "x");
  EXPECT_EQ(trim("\xc3\xa9 "), "\xc3\xa9") << "high bytes are not whitespace";
}

TEST(StartsWith, Basics) {
  EXPECT_TRUE(starts_with("SIGKILL", "SIG"));
  EXPECT_TRUE(starts_with("x", ""));
  EXPECT_FALSE(starts_with("SI", "SIG"));
  EXPECT_FALSE(starts_with("", "a"));
}

TEST(ParseInt, Valid) {
  EXPECT_EQ(parse_int("0"), 0);
  EXPECT_EQ(parse_int("-0"), 0);
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int("-42"), -42);
  EXPECT_EQ(parse_int(" 7 "), 7) << "surrounding whitespace is trimmed";
  EXPECT_EQ(parse_int("007"), 7);
  EXPECT_EQ(parse_int("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_int("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(ParseInt, Invalid) {
  for (const char* s : {"", " ", "+1", "1.0", "1e3", "0x10", "12a", "a12", "1 2", "--1", "-", "9223372036854775808",
                        "-9223372036854775809", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_int(s)) << "\"" << s << "\"";
  }
  EXPECT_FALSE(parse_int(std::string_view("1\0" "2", 3)));
}

TEST(ParseUint, ValidAndInvalid) {
  EXPECT_EQ(parse_uint("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parse_uint("0"), 0u);
  for (const char* s : {"-1", "18446744073709551616", "", "+0", "1.5", "x"}) EXPECT_FALSE(parse_uint(s)) << s;
}

TEST(ToUpper, AsciiOnly) {
  EXPECT_EQ(to_upper("sigkill"), "SIGKILL");
  EXPECT_EQ(to_upper("MiXeD-09_+"), "MIXED-09_+");
  EXPECT_EQ(to_upper(""), "");
  EXPECT_EQ(to_upper("caf\xc3\xa9"), "CAF\xc3\xa9") << "UTF-8 bytes are left alone in the C locale";
}

}  // namespace
}  // namespace runz
