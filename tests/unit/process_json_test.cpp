// parse_process_json / validate_process: the process.json of `runz exec --process`.
#include <gtest/gtest.h>

#include <string>

#include "oci/spec.hpp"
#include "unit_helpers.hpp"

namespace runz::oci {
namespace {

using test::json;

json minimal_process() { return json{{"args", {"sh", "-c", "true"}}, {"cwd", "/"}}; }

std::string parse_error(const json& j) { return test::error_of(parse_process_json(j.dump())); }

TEST(ProcessJson, MinimalParsesAndValidates) {
  auto p = parse_process_json(minimal_process().dump());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->args, (std::vector<std::string>{"sh", "-c", "true"}));
  EXPECT_EQ(p->cwd, "/");
  auto v = validate_process(*p);
  EXPECT_TRUE(v) << v.error().message;
}

TEST(ProcessJson, FullProcess) {
  json j = minimal_process();
  j["terminal"] = true;
  j["user"] = {{"uid", 1000}, {"gid", 1000}, {"additionalGids", {10}}};
  j["env"] = {"A=1"};
  j["capabilities"] = {{"bounding", {"CAP_KILL"}}};
  j["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 10}, {"hard", 20}}};
  j["noNewPrivileges"] = true;
  j["futureField"] = {{"x", 1}};
  auto p = parse_process_json(j.dump());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->terminal);
  EXPECT_EQ(p->user.uid, 1000u);
  EXPECT_EQ(p->user.additional_gids, std::vector<uint32_t>{10});
  EXPECT_EQ(p->rlimits.at(0).hard, 20u);
  EXPECT_TRUE(p->no_new_privileges);
  EXPECT_TRUE(validate_process(*p));
}

TEST(ProcessJson, InvalidJson) {
  for (const char* text : {"", "{", "nope", "{\"args\": [}", "{} x"}) {
    auto p = parse_process_json(text);
    ASSERT_FALSE(p) << text;
    EXPECT_EQ(p.error().message, "process.json: not valid JSON");
  }
}

TEST(ProcessJson, TopLevelMustBeAnObject) {
  for (const char* text : {"[]", "null", "42", "\"sh\"", "[\"sh\"]"}) {
    auto p = parse_process_json(text);
    ASSERT_FALSE(p) << text;
    EXPECT_CONTAINS(p.error().message, "process.json: process: expected an object");
  }
}

TEST(ProcessJson, WrongTypesNameTheField) {
  struct Case {
    const char* key;
    json value;
    const char* field;
  };
  for (auto& c : std::vector<Case>{
           {"args", "sh", "process.args"},
           {"args", {1}, "process.args[0]"},
           {"cwd", 5, "process.cwd"},
           {"terminal", "yes", "process.terminal"},
           {"env", {{"A", "1"}}, "process.env"},
           {"user", {{"uid", -1}}, "process.user.uid"},
           {"user", {{"uid", uint64_t{1} << 32}}, "process.user.uid"},
           {"user", {{"gid", "0"}}, "process.user.gid"},
           {"rlimits", {{{"type", "RLIMIT_CPU"}, {"hard", -5}}}, "process.rlimits[0].hard"},
           {"capabilities", {{"ambient", "CAP_KILL"}}, "process.capabilities.ambient"},
           {"oomScoreAdj", 1e10, "process.oomScoreAdj"},
       }) {
    json j = minimal_process();
    j[c.key] = c.value;
    std::string err = parse_error(j);
    EXPECT_CONTAINS(err, std::string("process.json: ") + c.field + ": ");
  }
}

TEST(ProcessJson, ValidationRules) {
  auto check = [](json j, const char* needle) {
    auto p = parse_process_json(j.dump());
    ASSERT_TRUE(p) << p.error().message;
    auto v = validate_process(*p);
    ASSERT_FALSE(v) << j.dump();
    EXPECT_CONTAINS(v.error().message, needle);
  };
  json no_args = minimal_process();
  no_args.erase("args");
  check(no_args, "process.args: must not be empty");
  check(json{{"args", {"sh"}}, {"cwd", "relative"}}, "process.cwd: must be an absolute path");
  check(json{{"args", {"sh"}}, {"cwd", "/"}, {"env", {"NOEQ"}}}, "process.env:");
  check(json{{"args", {"sh"}}, {"capabilities", {{"effective", {"CAP_NOPE"}}}}},
        "process.capabilities.effective: unknown capability \"CAP_NOPE\"");
  check(json{{"args", {"sh"}}, {"rlimits", {{{"type", "RLIMIT_BOGUS"}}}}}, "process.rlimits: unknown rlimit type");
  check(json{{"args", {"sh"}}, {"rlimits", {{{"type", "RLIMIT_AS"}, {"soft", 2}, {"hard", 1}}}}},
        "soft limit exceeds hard limit");
  check(json{{"args", {"sh"}},
             {"rlimits", {{{"type", "RLIMIT_AS"}, {"soft", 1}, {"hard", 1}}, {{"type", "RLIMIT_AS"}, {"soft", 1}, {"hard", 1}}}}},
        "duplicate type");
}

}  // namespace
}  // namespace runz::oci
