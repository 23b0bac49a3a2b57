// read_proc_stat / process_is: pid-reuse guard based on /proc/<pid>/stat start time.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "linux/proc.hpp"

namespace runz::linux {
namespace {

TEST(ProcStat, SelfIsRunningWithAStartTime) {
  auto st = read_proc_stat(::getpid());
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'R');
  EXPECT_GT(st->start_time, 0u);
  EXPECT_EQ(read_proc_stat(::getpid())->start_time, st->start_time) << "stable";
}

TEST(ProcStat, CommandNameWithSpacesAndParens) {
  // Parsing must start after the last ')' of the command name.
  char old[17] = {};
  ::prctl(PR_GET_NAME, old);
  ::prctl(PR_SET_NAME, "a) b (c) d");
  auto st = read_proc_stat(::getpid());
  ::prctl(PR_SET_NAME, old);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'R');
  EXPECT_EQ(st->start_time, read_proc_stat(::getpid())->start_time);
}

TEST(ProcStat, MissingPid) {
  EXPECT_FALSE(read_proc_stat(0));
  EXPECT_FALSE(read_proc_stat(-1));
  EXPECT_FALSE(read_proc_stat(0x3fffffff));
}

TEST(ProcessIs, MatchesStartTime) {
  auto st = read_proc_stat(::getpid());
  ASSERT_TRUE(st);
  EXPECT_TRUE(process_is(::getpid(), st->start_time));
  EXPECT_TRUE(process_is(::getpid(), 0)) << "0 means: any start time";
  EXPECT_FALSE(process_is(::getpid(), st->start_time + 1)) << "a reused pid";
}

TEST(ProcessIs, NonPositivePidsAreNeverAlive) {
  EXPECT_FALSE(process_is(0, 0));
  EXPECT_FALSE(process_is(-1, 0));
  EXPECT_FALSE(process_is(-12345, 0));
}

TEST(ProcessIs, ZombieIsNotAlive) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Wait until it is a zombie, without reaping it.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
  EXPECT_FALSE(process_is(child, 0));
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(process_is(child, 0));
}

}  // namespace
}  // namespace runz::linux
