// run_hook / run_hooks: a hook gets its args and env exactly, the state on stdin, and its
// failures are reported. The hooks are small sh scripts in a temporary directory.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "core/hooks.hpp"
#include "linux/run_hook.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz {
namespace {

using test::TempDir;

class Hooks : public ::testing::Test {
 protected:
  // runz's main ignores SIGPIPE; a hook that exits without reading stdin relies on it.
  void SetUp() override { old_pipe_ = ::signal(SIGPIPE, SIG_IGN); }
  void TearDown() override { ::signal(SIGPIPE, old_pipe_); }

  std::string script(const std::string& name, const std::string& body) {
    std::string path = tmp_ / name;
    EXPECT_TRUE(write_file_atomic(path, "#!/bin/sh\n" + body + "\n", 0755));
    return path;
  }
  oci::Hook hook(const std::string& path) {
    oci::Hook h;
    h.path = path;
    h.env = {"PATH=/usr/bin:/bin", "DIR=" + tmp_.path()};
    return h;
  }
  std::string read(const std::string& name) {
    auto r = read_file(tmp_ / name);
    return r ? *r : "<missing>";
  }

  TempDir tmp_;
  sighandler_t old_pipe_ = SIG_DFL;
};

TEST_F(Hooks, GetsStateOnStdinArgsAndExactlyItsEnv) {
  ::setenv("RUNZ_UNIT_MUST_NOT_LEAK", "1", 1);
  oci::Hook h = hook(script("h", R"(cat > "$DIR/stdin"; printf '%s|%s' "$1" "$2" > "$DIR/args"; env > "$DIR/env")"));
  h.args = {"argv0", "first", "second arg"};
  h.env.push_back("FOO=bar baz");
  std::string state = R"({"ociVersion":"1.2.0","id":"c","status":"creating","pid":1,"bundle":"/b"})";
  auto r = linux::run_hook(h, state);
  ::unsetenv("RUNZ_UNIT_MUST_NOT_LEAK");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(read("stdin"), state);
  EXPECT_EQ(read("args"), "first|second arg");
  std::string env = read("env");
  EXPECT_NE(env.find("FOO=bar baz\n"), std::string::npos) << env;
  EXPECT_EQ(env.find("RUNZ_UNIT_MUST_NOT_LEAK"), std::string::npos) << env;
}

TEST_F(Hooks, NoArgsMeansArgv0IsThePath) {
  oci::Hook h = hook(script("h", R"(printf '%s' "$#" > "$DIR/argc")"));
  ASSERT_TRUE(linux::run_hook(h, "{}"));
  EXPECT_EQ(read("argc"), "0");
}

TEST_F(Hooks, NonZeroExitIsAFailure) {
  oci::Hook h = hook(script("h", "exit 3"));
  auto r = linux::run_hook(h, "{}");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "exited with status 3");
  EXPECT_CONTAINS(r.error().message, h.path);
}

TEST_F(Hooks, DeathBySignalIsAFailure) {
  oci::Hook h = hook(script("h", "kill -9 $$"));
  auto r = linux::run_hook(h, "{}");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "killed by signal 9");
}

TEST_F(Hooks, MissingOrNonExecutableHookFails) {
  auto r = linux::run_hook(hook(tmp_ / "does-not-exist"), "{}");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "could not be executed");

  ASSERT_TRUE(write_file_atomic(tmp_ / "noexec", "#!/bin/sh\nexit 0\n", 0644));
  EXPECT_FALSE(linux::run_hook(hook(tmp_ / "noexec"), "{}"));

  EXPECT_FALSE(linux::run_hook(hook(tmp_.path()), "{}")) << "a directory is not a hook";
}

TEST_F(Hooks, HookThatIgnoresStdinDoesNotHurt) {
  // A hook that exits at once without reading a state bigger than the pipe buffer.
  oci::Hook h = hook("/bin/true");
  std::string big(1 << 20, 'x');
  auto r = linux::run_hook(h, big);
  EXPECT_TRUE(r) << r.error().message;
}

TEST_F(Hooks, TimeoutThatIsNotReachedIsFine) {
  oci::Hook h = hook(script("h", "exit 0"));
  h.timeout = 5;
  EXPECT_TRUE(linux::run_hook(h, "{}"));
}

TEST_F(Hooks, RunHooksStopsAtTheFirstFailure) {
  std::vector<oci::Hook> hooks = {hook(script("ok", R"(touch "$DIR/ran1")")), hook(script("bad", "exit 1")),
                                  hook(script("after", R"(touch "$DIR/ran3")"))};
  auto r = core::run_hooks(hooks, "{}", "prestart");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "prestart hook: ");
  EXPECT_CONTAINS(r.error().message, "exited with status 1");
  EXPECT_TRUE(path_exists(tmp_ / "ran1"));
  EXPECT_FALSE(path_exists(tmp_ / "ran3"));
}

TEST_F(Hooks, RunHooksWarnRunsThemAll) {
  std::vector<oci::Hook> hooks = {hook(script("bad", "exit 1")), hook(script("after", R"(touch "$DIR/ran")"))};
  core::run_hooks_warn(hooks, "{}", "poststop");
  EXPECT_TRUE(path_exists(tmp_ / "ran"));
}

TEST_F(Hooks, EmptyListSucceeds) { EXPECT_TRUE(core::run_hooks({}, "{}", "createRuntime")); }

// About 1 s: the smallest timeout.
TEST_F(Hooks, SlowTimeoutKillsTheHook) {
  oci::Hook h = hook(script("h", "exec sleep 30"));
  h.timeout = 1;
  auto r = linux::run_hook(h, "{}");
  ASSERT_FALSE(r);
  EXPECT_CONTAINS(r.error().message, "timed out after 1s");
}

// BUG (src/linux/run_hook.cpp): the state is written to the hook's stdin with a blocking
// write before the timeout starts, so a hook that never reads stdin and never exits hangs
// runz forever once the state exceeds the pipe buffer (64 KiB; annotations can make it so).
// Run in a child with an alarm so that the bug fails the test instead of hanging it.
TEST_F(Hooks, TimeoutAppliesWhileWritingTheState) {
  oci::Hook h = hook(script("h", "exec sleep 4"));
  h.timeout = 1;
  std::string big(1 << 20, 'x');
  EXPECT_EXIT(
      {
        ::alarm(3);
        auto r = linux::run_hook(h, big);
        ::_exit(!r && r.error().message.find("timed out") != std::string::npos ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace runz
