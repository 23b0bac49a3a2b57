// `ps` table: the header of the host's ps output plus the container's lines, found by the
// PID column wherever it is.
#include <gtest/gtest.h>

#include "core/ps_table.hpp"
#include "unit_helpers.hpp"

namespace runz::core {
namespace {

using runz::test::error_of;

TEST(PsTable, KeepsHeaderAndTheContainersLines) {
  std::string out =
      "UID          PID    PPID  C STIME TTY          TIME CMD\n"
      "root           1       0  0 10:00 ?        00:00:01 /sbin/init\n"
      "root         100       1  0 10:00 ?        00:00:00 sleep 100\n"
      "root        1000     100  0 10:00 ?        00:00:00 sleep 1000\n"
      "root       10000       1  0 10:00 ?        00:00:00 sh -c echo 100\n";
  auto r = filter_ps_output(out, {100, 1000});
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(*r,
            "UID          PID    PPID  C STIME TTY          TIME CMD\n"
            "root         100       1  0 10:00 ?        00:00:00 sleep 100\n"
            "root        1000     100  0 10:00 ?        00:00:00 sleep 1000\n");
}

TEST(PsTable, PidColumnFirstOrLast) {
  auto r = filter_ps_output("  PID COMMAND\n   7 sh\n   8 sleep\n", {8});
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(*r, "  PID COMMAND\n   8 sleep\n");
  r = filter_ps_output("COMMAND PID\nsh 7\nsleep 8\n", {7});
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(*r, "COMMAND PID\nsh 7\n");
}

TEST(PsTable, NoContainerProcessesLeavesTheHeader) {
  auto r = filter_ps_output("  PID CMD\n    1 init\n", {});
  ASSERT_TRUE(r.has_value()) << error_of(r);
  EXPECT_EQ(*r, "  PID CMD\n");
}

TEST(PsTable, Errors) {
  EXPECT_CONTAINS(error_of(filter_ps_output("USER COMMAND\nroot sh\n", {1})), "PID");
  EXPECT_CONTAINS(error_of(filter_ps_output("PID CMD\nabc sh\n", {1})), "unable to parse pid");
  EXPECT_FALSE(filter_ps_output("", {1}).has_value());
}

}  // namespace
}  // namespace runz::core
