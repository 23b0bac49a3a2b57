// state.json (the record runz keeps) and the OCI state document (`runz state`, hooks' stdin).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "oci/state.hpp"
#include "unit_helpers.hpp"

namespace runz::oci {
namespace {

using test::json;

ContainerRecord full_record() {
  ContainerRecord r;
  r.id = "web-1";
  r.kind = "vm";
  r.pid = 31337;
  r.pid_start = 987654321012ull;
  r.bundle = "/run/bundles/web-1";
  r.rootfs = "/run/bundles/web-1/rootfs";
  r.created = "2024-05-06T07:08:09.123456789Z";
  r.owner = "alice";
  r.annotations = {{"io.kubernetes.pod.name", "web"}, {"quote\"key", "line\nbreak\ttab\\"}, {"unicode", "caf\xc3\xa9"}};
  r.cgroup_path = "/runz/web-1";
  r.cgroup_owned = true;
  Hook stop{"/usr/bin/cleanup", {"cleanup", "--all"}, {"A=1"}, 5};
  Hook stop2{"/bin/true", {}, {}, std::nullopt};
  r.poststop = {stop, stop2};
  r.poststart = {Hook{"/usr/bin/notify", {}, {"X=y"}, std::nullopt}};
  return r;
}

void expect_same_hooks(const std::vector<Hook>& a, const std::vector<Hook>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].args, b[i].args);
    EXPECT_EQ(a[i].env, b[i].env);
    EXPECT_EQ(a[i].timeout, b[i].timeout);
  }
}

TEST(StateRecord, RoundTrip) {
  ContainerRecord in = full_record();
  std::string text = record_to_json(in);
  EXPECT_TRUE(json::accept(text));
  auto out = record_from_json(text);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->id, in.id);
  EXPECT_EQ(out->kind, in.kind);
  EXPECT_EQ(out->pid, in.pid);
  EXPECT_EQ(out->pid_start, in.pid_start);
  EXPECT_EQ(out->bundle, in.bundle);
  EXPECT_EQ(out->rootfs, in.rootfs);
  EXPECT_EQ(out->created, in.created);
  EXPECT_EQ(out->owner, in.owner);
  EXPECT_EQ(out->annotations, in.annotations);
  EXPECT_EQ(out->cgroup_path, in.cgroup_path);
  EXPECT_EQ(out->cgroup_owned, in.cgroup_owned);
  expect_same_hooks(out->poststop, in.poststop);
  expect_same_hooks(out->poststart, in.poststart);
}

TEST(StateRecord, DefaultsForOptionalFields) {
  auto r = record_from_json(R"({"id":"x","pid":1})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, "x");
  EXPECT_EQ(r->pid, 1);
  EXPECT_EQ(r->kind, "process");
  EXPECT_EQ(r->pid_start, 0u);
  EXPECT_TRUE(r->bundle.empty());
  EXPECT_TRUE(r->annotations.empty());
  EXPECT_FALSE(r->cgroup_owned);
  EXPECT_TRUE(r->poststop.empty());
  EXPECT_TRUE(r->poststart.empty());
}

TEST(StateRecord, UnknownFieldsAreIgnored) {
  auto r = record_from_json(R"({"id":"x","pid":1,"future":{"a":[1,2]},"stoppedByDelete":true})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, "x");
}

TEST(StateRecord, CorruptDocumentsAreRejected) {
  for (const char* text : {"", "{", "not json", "[]", "42", "null", "\"x\"", "{}", R"({"id":"x"})", R"({"pid":1})",
                           R"({"id":1,"pid":1})", R"({"id":"x","pid":"1"})",
                           R"({"id":null,"pid":1})", R"({"id":"x","pid":1,"kind":7})",
                           R"({"id":"x","pid":1,"annotations":[]})", R"({"id":"x","pid":1,"annotations":{"a":1}})",
                           R"({"id":"x","pid":1,"cgroupOwned":"yes"})",
                           R"({"id":"x","pid":1,"poststop":[1]})", R"({"id":"x","pid":1,"poststop":[{"path":1}]})",
                           R"({"id":"x","pid":1,"poststop":[{"path":"/x","timeout":"5"}]})",
                           R"({"id":"x","pid":1,"poststart":[{"path":"/x","args":"a"}]})"}) {
    SCOPED_TRACE(text);
    auto r = record_from_json(text);
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_CONTAINS(r.error().message, "state.json is corrupt");
    }
  }
}

TEST(StateRecord, HooksThatAreNotAListAreIgnored) {
  auto r = record_from_json(R"({"id":"x","pid":1,"poststop":{"path":"/x"},"poststart":"nope"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->poststop.empty());
  EXPECT_TRUE(r->poststart.empty());
}

// BUG (src/oci/state.cpp record_from_json): get<pid_t>() / value<uint64_t>() convert numbers
// with a plain cast, so a pid of 2^32+1 becomes 1 (a later `delete --force` would SIGKILL
// init), 1.5 becomes 1 and pidStart -1 becomes 2^64-1. Enable once they are range-checked.
TEST(StateRecord, NumbersOutOfRangeAreCorrupt) {
  for (const char* text : {R"({"id":"x","pid":4294967297})", R"({"id":"x","pid":-4294967295})",
                           R"({"id":"x","pid":9223372036854775807})", R"({"id":"x","pid":1.5})",
                           R"({"id":"x","pid":1,"pidStart":-1})"}) {
    SCOPED_TRACE(text);
    auto r = record_from_json(text);
    EXPECT_FALSE(r) << "pid read as " << (r ? r->pid : 0);
  }
}

// BUG (src/oci/state.cpp): json::dump() throws type_error 316 on invalid UTF-8, and a
// bundle path is any bytes the file system allows, so record_to_json / state_json escape
// as an uncaught exception (std::terminate) for a bundle like "/tmp/caf\xe9".
TEST(StateRecord, NonUtf8BundleDoesNotThrow) {
  ContainerRecord r = full_record();
  r.bundle = "/tmp/caf\xe9";
  r.rootfs = "/tmp/caf\xe9/rootfs";
  EXPECT_NO_THROW((void)record_to_json(r));
  EXPECT_NO_THROW((void)state_json(r, "running", false));
}

TEST(StateRecord, HostileStringsRoundTrip) {
  ContainerRecord in;
  in.id = "x";
  in.pid = 1;
  in.bundle = "/b/with\"quote\\and\nnewline\x01";
  in.annotations = {{"", ""}, {std::string("nul\0key", 7), std::string("nul\0value", 9)}};
  auto out = record_from_json(record_to_json(in));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->bundle, in.bundle);
  EXPECT_EQ(out->annotations, in.annotations);
}

TEST(StateDocument, Fields) {
  ContainerRecord r = full_record();
  json j = json::parse(state_json(r, "running", false));
  EXPECT_EQ(j["ociVersion"], kOciVersion);
  EXPECT_EQ(j["id"], "web-1");
  EXPECT_EQ(j["status"], "running");
  EXPECT_EQ(j["pid"], 31337);
  EXPECT_EQ(j["bundle"], "/run/bundles/web-1");
  EXPECT_EQ(j["rootfs"], "/run/bundles/web-1/rootfs");
  EXPECT_EQ(j["created"], "2024-05-06T07:08:09.123456789Z");
  EXPECT_EQ(j["owner"], "alice");
  EXPECT_EQ(j["annotations"]["io.kubernetes.pod.name"], "web");
  // Private bookkeeping stays private.
  EXPECT_FALSE(j.contains("pidStart"));
  EXPECT_FALSE(j.contains("cgroupPath"));
  EXPECT_FALSE(j.contains("poststop"));
  EXPECT_FALSE(j.contains("kind"));
}

TEST(StateDocument, PidIsZeroOnlyWhenStopped) {
  ContainerRecord r = full_record();
  for (const char* status : {"creating", "created", "running", "paused"})
    EXPECT_EQ(json::parse(state_json(r, status, false))["pid"], 31337) << status;
  EXPECT_EQ(json::parse(state_json(r, "stopped", false))["pid"], 0);
}

TEST(StateDocument, AnnotationsAlwaysAnObject) {
  ContainerRecord r;
  r.id = "bare";
  json j = json::parse(state_json(r, "created", false));
  ASSERT_TRUE(j["annotations"].is_object());
  EXPECT_TRUE(j["annotations"].empty());
}

TEST(StateDocument, PrettyAndCompact) {
  ContainerRecord r = full_record();
  std::string compact = state_json(r, "running", false);
  std::string pretty = state_json(r, "running", true);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  EXPECT_NE(pretty.find('\n'), std::string::npos);
  EXPECT_EQ(json::parse(compact), json::parse(pretty));
}

TEST(StateDocument, ListJson) {
  EXPECT_EQ(json::parse(list_json({})), json::array());
  ContainerRecord a = full_record();
  ContainerRecord b = full_record();
  b.id = "db";
  json l = json::parse(list_json({{a, "running"}, {b, "stopped"}}));
  ASSERT_TRUE(l.is_array());
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0]["id"], "web-1");
  EXPECT_EQ(l[0]["status"], "running");
  EXPECT_EQ(l[0]["pid"], 31337);
  EXPECT_EQ(l[1]["id"], "db");
  EXPECT_EQ(l[1]["status"], "stopped");
  EXPECT_EQ(l[1]["pid"], 0);
}

}  // namespace
}  // namespace runz::oci
