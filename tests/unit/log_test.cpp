// runc-compatible log lines: json lines that parse, logrus text with quoted messages.
// log::configure is process-global and cannot be undone, so one test does it all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_helpers.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace runz {
namespace {

using test::json;

TEST(Log, JsonAndTextLinesToTheLogFile) {
  test::TempDir tmp;
  const std::string hostile = std::string("say \"hi\"\\ \n\t\r\x01\x1f end");

  log::configure(tmp / "json.log", log::Format::json, /*debug=*/false);
  ASSERT_GE(log::fd(), 0);
  log::debug("hidden: debug is off");
  log::info("plain");
  log::warn(hostile);
  log::error("failed");

  auto text = read_file(tmp / "json.log");
  ASSERT_TRUE(text);
  std::vector<json> lines;
  for (auto& line : split(*text, '\n')) {
    if (line.empty()) continue;
    ASSERT_TRUE(json::accept(line)) << line;
    lines.push_back(json::parse(line));
  }
  ASSERT_EQ(lines.size(), 3u) << *text;
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["msg"], "plain");
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_EQ(lines[1]["msg"], hostile) << "every byte survives the escaping";
  EXPECT_EQ(lines[2]["level"], "error");
  for (auto& l : lines) {
    std::string t = l["time"];
    EXPECT_EQ(t.size(), std::string("2024-01-02T03:04:05.123456Z").size()) << t;
    EXPECT_EQ(t.back(), 'Z');
  }

  log::configure(tmp / "text.log", log::Format::text, /*debug=*/true);
  log::debug("now visible");
  log::warn("a \"quoted\" word");
  auto t = read_file(tmp / "text.log");
  ASSERT_TRUE(t);
  auto tl = split(*t, '\n');
  ASSERT_GE(tl.size(), 2u);
  EXPECT_TRUE(tl[0].starts_with("time=\"")) << tl[0];
  EXPECT_NE(tl[0].find(" level=debug msg=\"now visible\""), std::string::npos) << tl[0];
  EXPECT_NE(tl[1].find(" level=warning msg=\"a \\\"quoted\\\" word\""), std::string::npos) << tl[1];

  log::configure("", log::Format::text, false);  // back to quiet (the file stays open)
}

}  // namespace
}  // namespace runz
