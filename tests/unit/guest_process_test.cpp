// The process file the host writes for runz-guest-init: round trip and refusal of bad input.
#include <gtest/gtest.h>

#include <string>

#include "backends/vm/guest_process.hpp"

namespace runz::backends::vm {
namespace {

using namespace std::string_literals;

TEST(GuestProcess, RoundTripsEveryField) {
  GuestProcess p;
  p.args = {"sh", "-c", "echo a=b\nnext line", ""};
  p.env = {"PATH=/bin", "X=1=2"};
  p.cwd = "/work dir";
  p.uid = 1000;
  p.gid = 100;
  p.additional_gids = {5, 44};
  p.umask = 027;
  p.hostname = "guest";
  p.terminal = true;
  auto back = decode_guest_process(encode_guest_process(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->args, p.args);
  EXPECT_EQ(back->env, p.env);
  EXPECT_EQ(back->cwd, p.cwd);
  EXPECT_EQ(back->uid, 1000u);
  EXPECT_EQ(back->gid, 100u);
  EXPECT_EQ(back->additional_gids, p.additional_gids);
  EXPECT_EQ(back->umask, 027u);
  EXPECT_EQ(back->hostname, "guest");
  EXPECT_TRUE(back->terminal);
}

TEST(GuestProcess, EncodesTheDocumentedRecords) {
  GuestProcess p;
  p.args = {"true"};
  p.umask = 022;
  EXPECT_EQ(encode_guest_process(p),
            "runz-guest-process/1\0arg=true\0cwd=/\0uid=0\0gid=0\0umask=22\0terminal=0\0"s);
}

TEST(GuestProcess, FromOciProcess) {
  oci::Process op;
  op.args = {"/bin/app", "--flag"};
  op.env = {"HOME=/root"};
  op.cwd = "/srv";
  op.user.uid = 7;
  op.user.gid = 8;
  op.user.additional_gids = {9};
  op.terminal = true;
  auto back = decode_guest_process(encode_guest_process(op, "box"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->args, op.args);
  EXPECT_EQ(back->env, op.env);
  EXPECT_EQ(back->cwd, "/srv");
  EXPECT_EQ(back->uid, 7u);
  EXPECT_EQ(back->gid, 8u);
  EXPECT_EQ(back->additional_gids, std::vector<uint32_t>{9});
  EXPECT_FALSE(back->umask);
  EXPECT_EQ(back->hostname, "box");
  EXPECT_TRUE(back->terminal);
}

TEST(GuestProcess, NulInsideAValueCannotForgeARecord) {
  GuestProcess p;
  p.args = {"echo", "a\0uid=0"s};
  p.uid = 5;
  auto back = decode_guest_process(encode_guest_process(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->args, (std::vector<std::string>{"echo", "a"}));
  EXPECT_EQ(back->uid, 5u);
}

TEST(GuestProcess, RefusesBadInput) {
  const std::string magic = "runz-guest-process/1\0"s;
  auto error_of = [](std::string data) {
    auto r = decode_guest_process(data);
    return r ? std::string("(accepted)") : r.error().message;
  };
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("runz-guest-process/2\0arg=x\0"s).find("magic"), std::string::npos);
  EXPECT_NE(error_of(magic + "cwd=/\0"s).find("no args"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x"s).find("no NUL"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0bogus=1\0"s).find("unknown key"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0noequals\0"s).find("without '='"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0uid=-1\0"s).find("bad uid"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0uid=99999999999\0"s).find("bad uid"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0umask=9\0"s).find("bad umask"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0terminal=yes\0"s).find("bad terminal"), std::string::npos);
  EXPECT_NE(error_of(magic + "arg=x\0cwd=rel\0"s).find("not absolute"), std::string::npos);
}

}  // namespace
}  // namespace runz::backends::vm
