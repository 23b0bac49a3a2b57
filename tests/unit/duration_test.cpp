// Go durations as runc's flags take them (events --interval).
#include <gtest/gtest.h>

#include "util/duration.hpp"

namespace runz {
namespace {

using namespace std::chrono_literals;

TEST(GoDuration, Units) {
  EXPECT_EQ(parse_go_duration("5s"), std::chrono::nanoseconds(5s));
  EXPECT_EQ(parse_go_duration("500ms"), std::chrono::nanoseconds(500ms));
  EXPECT_EQ(parse_go_duration("250us"), std::chrono::nanoseconds(250us));
  EXPECT_EQ(parse_go_duration("250\xc2\xb5s"), std::chrono::nanoseconds(250us));
  EXPECT_EQ(parse_go_duration("7ns"), std::chrono::nanoseconds(7));
  EXPECT_EQ(parse_go_duration("2m"), std::chrono::nanoseconds(2min));
  EXPECT_EQ(parse_go_duration("1h"), std::chrono::nanoseconds(1h));
}

TEST(GoDuration, CompoundsFractionsAndSigns) {
  EXPECT_EQ(parse_go_duration("1m30s"), std::chrono::nanoseconds(90s));
  EXPECT_EQ(parse_go_duration("1.5s"), std::chrono::nanoseconds(1500ms));
  EXPECT_EQ(parse_go_duration(".5s"), std::chrono::nanoseconds(500ms));
  EXPECT_EQ(parse_go_duration("1h2m3s4ms"), std::chrono::nanoseconds(1h + 2min + 3s + 4ms));
  EXPECT_EQ(parse_go_duration("0"), std::chrono::nanoseconds(0));
  EXPECT_EQ(parse_go_duration("-2s"), std::chrono::nanoseconds(-2s));
  EXPECT_EQ(parse_go_duration("+2s"), std::chrono::nanoseconds(2s));
}

TEST(GoDuration, Rejects) {
  for (const char* bad : {"", "5", "s", "5x", "5 s", "1.s.", "abc", "5s ", "--5s", "."})
    EXPECT_FALSE(parse_go_duration(bad).has_value()) << bad;
  EXPECT_FALSE(parse_go_duration("9999999999h").has_value()) << "overflow";
}

}  // namespace
}  // namespace runz
