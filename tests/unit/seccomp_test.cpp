// linux.seccomp: compiling profiles (no root), and loading filters into forked children
// that set no_new_privs first (no root needed either).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "linux/seccomp.hpp"
#include "unit_helpers.hpp"

namespace runz::linux {
namespace {

using test::json;

// The shape of Docker's / podman's default profile, trimmed: deny by default with EPERM,
// a long allow list (with names this libseccomp cannot know, which must be skipped),
// personality limited by value, clone limited by a flag mask, socket limited by family.
constexpr const char* kDockerLikeProfile = R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    {
      "names": [
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset",
        "chdir", "chmod", "chown", "clock_adjtime", "clock_getres", "clock_gettime",
        "clock_nanosleep", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
        "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait",
        "epoll_wait", "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
        "faccessat", "faccessat2", "fadvise64", "fallocate", "fchdir", "fchmod", "fchmodat",
        "fchown", "fchownat", "fcntl", "fdatasync", "flock", "fork", "fstat", "fstatfs", "fsync",
        "ftruncate", "futex", "futex_waitv", "getcwd", "getdents", "getdents64", "getegid",
        "geteuid", "getgid", "getgroups", "getpeername", "getpgid", "getpgrp", "getpid",
        "getppid", "getpriority", "getrandom", "getresgid", "getresuid", "getrlimit",
        "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "gettid",
        "gettimeofday", "getuid", "getxattr", "inotify_add_watch", "inotify_init1", "ioctl",
        "kill", "lchown", "link", "linkat", "listen", "lseek", "lstat", "madvise", "mkdir",
        "mkdirat", "mmap", "mprotect", "mremap", "munmap", "nanosleep", "newfstatat", "open",
        "openat", "openat2", "pause", "pipe", "pipe2", "poll", "ppoll", "prctl", "pread64",
        "preadv", "prlimit64", "pselect6", "pwrite64", "read", "readlink", "readlinkat",
        "readv", "recvfrom", "recvmmsg", "recvmsg", "rename", "renameat", "renameat2",
        "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
        "rt_sigsuspend", "sched_getaffinity", "sched_yield", "select", "sendfile", "sendmmsg",
        "sendmsg", "sendto", "set_robust_list", "set_tid_address", "setgid", "setgroups",
        "setsid", "setsockopt", "setuid", "shutdown", "sigaltstack", "socketpair", "stat",
        "statfs", "statx", "symlink", "symlinkat", "sysinfo", "tgkill", "time", "umask",
        "uname", "unlink", "unlinkat", "utimensat", "vfork", "wait4", "waitid", "write",
        "writev",
        "runz_future_syscall_one", "runz_future_syscall_two", "landlock_frobnicate"
      ],
      "action": "SCMP_ACT_ALLOW"
    },
    {
      "names": ["personality"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]
    },
    {
      "names": ["personality"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]
    },
    {
      "names": ["personality"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]
    },
    {
      "names": ["clone"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]
    },
    {
      "names": ["clone3"],
      "action": "SCMP_ACT_ERRNO",
      "errnoRet": 38
    },
    {
      "names": ["socket"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]
    }
  ]
})";

json profile(const char* text = kDockerLikeProfile) { return json::parse(text); }

// The error message of compile_seccomp on this document ("" when it compiles).
std::string compile_error(const json& doc) { return test::error_of(compile_seccomp(doc.dump())); }

SeccompProgram compile_ok(const json& doc) {
  auto r = compile_seccomp(doc.dump());
  EXPECT_TRUE(r) << r.error().message << "\n" << doc.dump();
  return r ? std::move(*r) : SeccompProgram{};
}

json allow_all_but(json rules) {
  return json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", std::move(rules)}};
}

// Run `body` in a forked child that has set no_new_privs (so loading a filter needs no
// privilege) and cannot dump core; returns the child's wait status.
int in_child(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return -1;
  }
  if (pid == 0) {
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(120);
    ::_exit(body());
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Exit code 121: the filter did not load.
int install_or_exit(const SeccompProgram& p) {
  auto r = install_seccomp(p);
  if (!r) ::_exit(121);
  return *r;
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// A raw getcwd, so no libc caching or fallback hides the filter; 0 or the errno.
int try_getcwd() {
  char buf[4096];
  return ::syscall(SYS_getcwd, buf, sizeof buf) < 0 ? errno : 0;
}

// A raw umask(mask): harmless, one argument, never fails without a filter; 0 or the errno.
int try_umask(unsigned long mask) { return ::syscall(SYS_umask, mask) < 0 ? errno : 0; }

// ---- compiling -----------------------------------------------------------------------

TEST(SeccompCompile, DockerLikeProfileCompilesAndSkipsUnknownSyscalls) {
  auto p = compile_ok(profile());
  EXPECT_FALSE(p.empty());
  EXPECT_FALSE(needs_notify_listener(p));
  EXPECT_EQ(listener_path(p), "");
  EXPECT_EQ(listener_metadata(p), "");
}

TEST(SeccompCompile, EveryActionAsRuleAndAsDefault) {
  for (auto& action : seccomp_known_actions()) {
    json rule = {{"names", {"getcwd"}}, {"action", action}};
    json doc = allow_all_but(json::array({rule}));
    if (action == "SCMP_ACT_NOTIFY") doc["listenerPath"] = "/run/agent.sock";
    SCOPED_TRACE(action);
    auto p = compile_ok(doc);
    EXPECT_EQ(needs_notify_listener(p), action == "SCMP_ACT_NOTIFY");

    if (action == "SCMP_ACT_NOTIFY") continue;  // refused as default, tested below
    json def = {{"defaultAction", action},
                {"syscalls", json::array({{{"names", {"exit_group"}}, {"action", "SCMP_ACT_ALLOW"}}})}};
    if (action == "SCMP_ACT_ALLOW") def["syscalls"][0]["action"] = "SCMP_ACT_LOG";
    compile_ok(def);
  }
  EXPECT_EQ(seccomp_known_actions().size(), 9u);
}

TEST(SeccompCompile, ErrnoRetOnErrnoAndTrace) {
  compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 38}}}));
  compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_TRACE"}, {"errnoRet", 1234}}}));
  compile_ok(json{{"defaultAction", "SCMP_ACT_TRACE"}, {"defaultErrnoRet", 7}});
}

TEST(SeccompCompile, EveryOperator) {
  for (auto& op : seccomp_known_operators()) {
    SCOPED_TRACE(op);
    json arg = {{"index", 1}, {"value", 0x7}, {"op", op}};
    if (op == "SCMP_CMP_MASKED_EQ") arg["valueTwo"] = 0x3;
    compile_ok(allow_all_but({{{"names", {"umask", "getpriority"}}, {"action", "SCMP_ACT_ERRNO"},
                               {"args", {arg}}}}));
  }
  EXPECT_EQ(seccomp_known_operators().size(), 7u);
}

TEST(SeccompCompile, ArgsOnSeveralIndexesAndRepeatedIndex) {
  compile_ok(allow_all_but({{{"names", {"getpriority"}}, {"action", "SCMP_ACT_ERRNO"},
                             {"args",
                              {{{"index", 0}, {"value", 0}, {"op", "SCMP_CMP_EQ"}},
                               {{"index", 1}, {"value", 0}, {"op", "SCMP_CMP_EQ"}}}}}}));
  compile_ok(allow_all_but({{{"names", {"getpriority"}}, {"action", "SCMP_ACT_ERRNO"},
                             {"args",
                              {{{"index", 0}, {"value", 1}, {"op", "SCMP_CMP_EQ"}},
                               {{"index", 0}, {"value", 2}, {"op", "SCMP_CMP_EQ"}},
                               {{"index", 1}, {"value", 0}, {"op", "SCMP_CMP_GT"}}}}}}));
}

TEST(SeccompCompile, EmptyAndMissingSyscalls) {
  compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"}});
  compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", json::array()}});
  compile_ok(json{{"defaultAction", "SCMP_ACT_ERRNO"}, {"syscalls", json::array()}, {"defaultErrnoRet", 38}});
}

TEST(SeccompCompile, RuleWithTheDefaultActionIsSkipped) {
  compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ALLOW"}}}));
  // ERRNO(EPERM) as default and as a rule are the same action; ERRNO(ENOSYS) is not.
  compile_ok(json{{"defaultAction", "SCMP_ACT_ERRNO"},
                  {"syscalls",
                   {{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", EPERM}},
                    {{"names", {"uname"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", ENOSYS}}}}});
}

TEST(SeccompCompile, OnlyUnknownSyscalls) {
  auto p = compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                           {"listenerPath", "/run/agent.sock"},
                           {"syscalls", {{{"names", {"no_such_syscall"}}, {"action", "SCMP_ACT_NOTIFY"}}}}});
  // No notify rule made it into the filter, so there will be no fd to hand over.
  EXPECT_FALSE(needs_notify_listener(p));
}

TEST(SeccompCompile, Architectures) {
  auto known = seccomp_known_architectures();
  for (auto name : {"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
                    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC64LE",
                    "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64"}) {
    EXPECT_NE(std::find(known.begin(), known.end(), name), known.end()) << name;
  }
  // Foreign architectures (the filter carries their syscall tables too) compile.
  compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                  {"architectures", {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X86_64"}},
                  {"syscalls", {{{"names", {"getcwd", "socket"}}, {"action", "SCMP_ACT_ERRNO"}}}}});
  // Listing the native architecture (already in every filter) is fine.
  compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86_64"}}});
}

TEST(SeccompCompile, Flags) {
  auto supported = seccomp_supported_flags();
  EXPECT_EQ(seccomp_known_flags().size(), 4u);
  for (auto& f : seccomp_known_flags()) {
    SCOPED_TRACE(f);
    auto r = compile_seccomp(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {f}}}.dump());
    if (std::find(supported.begin(), supported.end(), f) != supported.end()) {
      EXPECT_TRUE(r) << r.error().message;
    } else {
      ASSERT_FALSE(r);
      EXPECT_CONTAINS(r.error().message, "linux.seccomp.flags[0]");
    }
  }
  EXPECT_NE(std::find(supported.begin(), supported.end(), "SECCOMP_FILTER_FLAG_TSYNC"), supported.end());
}

TEST(SeccompCompile, Listener) {
  auto p = compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                           {"listenerPath", "/run/seccomp-agent.sock"},
                           {"listenerMetadata", "MKNOD=/dev/null"},
                           {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}});
  EXPECT_TRUE(needs_notify_listener(p));
  EXPECT_EQ(listener_path(p), "/run/seccomp-agent.sock");
  EXPECT_EQ(listener_metadata(p), "MKNOD=/dev/null");
  // listenerPath without a NOTIFY rule is ignored.
  auto q = compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerPath", "/run/agent.sock"}});
  EXPECT_FALSE(needs_notify_listener(q));
}

// ---- errors name the field -----------------------------------------------------------

TEST(SeccompErrors, BadAction) {
  auto e = compile_error(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_EXPLODE"}}}));
  EXPECT_CONTAINS(e, "linux.seccomp.syscalls[0].action");
  EXPECT_CONTAINS(e, "\"SCMP_ACT_EXPLODE\"");
  e = compile_error(json{{"defaultAction", "SCMP_ACT_NOPE"}});
  EXPECT_CONTAINS(e, "linux.seccomp.defaultAction");
  EXPECT_CONTAINS(e, "\"SCMP_ACT_NOPE\"");
  EXPECT_CONTAINS(compile_error(json{{"architectures", json::array()}}), "linux.seccomp.defaultAction: required");
  EXPECT_CONTAINS(compile_error(allow_all_but({{{"names", {"getcwd"}}}})), "linux.seccomp.syscalls[0].action: required");
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", 3}}), "linux.seccomp.defaultAction: must be a string");
}

TEST(SeccompErrors, BadOperator) {
  auto e = compile_error(allow_all_but(
      {{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ALLOW"}},
       {{"names", {"umask"}}, {"action", "SCMP_ACT_ERRNO"},
        {"args", {{{"index", 0}, {"value", 1}, {"op", "SCMP_CMP_EQ"}}, {{"index", 1}, {"value", 1}, {"op", "SCMP_CMP_ABOUT"}}}}}}));
  EXPECT_CONTAINS(e, "linux.seccomp.syscalls[1].args[1].op");
  EXPECT_CONTAINS(e, "\"SCMP_CMP_ABOUT\"");
}

TEST(SeccompErrors, BadArgs) {
  auto err = [](json arg) {
    return compile_error(allow_all_but({{{"names", {"umask"}}, {"action", "SCMP_ACT_ERRNO"}, {"args", {arg}}}}));
  };
  EXPECT_CONTAINS(err({{"index", 6}, {"value", 1}, {"op", "SCMP_CMP_EQ"}}), "linux.seccomp.syscalls[0].args[0].index");
  EXPECT_CONTAINS(err({{"index", -1}, {"value", 1}, {"op", "SCMP_CMP_EQ"}}), "linux.seccomp.syscalls[0].args[0].index");
  EXPECT_CONTAINS(err({{"value", 1}, {"op", "SCMP_CMP_EQ"}}), "args[0].index: required");
  EXPECT_CONTAINS(err({{"index", 0}, {"op", "SCMP_CMP_EQ"}}), "args[0].value: required");
  EXPECT_CONTAINS(err({{"index", 0}, {"value", 1}}), "args[0].op: required");
  EXPECT_CONTAINS(err({{"index", 0}, {"value", "1"}, {"op", "SCMP_CMP_EQ"}}), "args[0].value");
  EXPECT_CONTAINS(err({{"index", 0}, {"value", 1}, {"valueTwo", -3}, {"op", "SCMP_CMP_MASKED_EQ"}}),
                  "args[0].valueTwo");
}

TEST(SeccompErrors, BadArchitecture) {
  auto e = compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                              {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"}}});
  EXPECT_CONTAINS(e, "linux.seccomp.architectures[1]");
  EXPECT_CONTAINS(e, "\"SCMP_ARCH_VAX\"");
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"x86_64"}}}),
                  "linux.seccomp.architectures[0]");
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"SCMP_ARCH_NATIVE"}}}),
                  "linux.seccomp.architectures[0]");
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", "SCMP_ARCH_X86_64"}}),
                  "linux.seccomp.architectures: must be an array");
}

TEST(SeccompErrors, BadFlag) {
  auto e = compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                              {"flags", {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_FAST"}}});
  EXPECT_CONTAINS(e, "linux.seccomp.flags[1]");
  EXPECT_CONTAINS(e, "\"SECCOMP_FILTER_FLAG_FAST\"");
}

TEST(SeccompErrors, ErrnoRetWithActionsThatTakeNone) {
  auto e = compile_error(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_KILL"}, {"errnoRet", 1}}}));
  EXPECT_CONTAINS(e, "linux.seccomp.syscalls[0].errnoRet");
  e = compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"defaultErrnoRet", 1}});
  EXPECT_CONTAINS(e, "linux.seccomp.defaultErrnoRet");
  e = compile_error(json{{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 70000}});
  EXPECT_CONTAINS(e, "linux.seccomp.defaultErrnoRet");
  e = compile_error(json{{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", -1}});
  EXPECT_CONTAINS(e, "linux.seccomp.defaultErrnoRet");
}

TEST(SeccompErrors, BadNames) {
  EXPECT_CONTAINS(compile_error(allow_all_but({{{"names", json::array()}, {"action", "SCMP_ACT_ERRNO"}}})),
                  "linux.seccomp.syscalls[0].names");
  EXPECT_CONTAINS(compile_error(allow_all_but({{{"action", "SCMP_ACT_ERRNO"}}})), "linux.seccomp.syscalls[0].names: required");
  EXPECT_CONTAINS(compile_error(allow_all_but({{{"names", {"getcwd", ""}}, {"action", "SCMP_ACT_ERRNO"}}})),
                  "linux.seccomp.syscalls[0].names[1]");
  EXPECT_CONTAINS(compile_error(allow_all_but({{{"names", {"getcwd", 4}}, {"action", "SCMP_ACT_ERRNO"}}})),
                  "linux.seccomp.syscalls[0].names[1]");
  EXPECT_CONTAINS(compile_error(allow_all_but(json::object())), "linux.seccomp.syscalls: must be an array");
}

TEST(SeccompErrors, NotifyRules) {
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", "SCMP_ACT_NOTIFY"}, {"listenerPath", "/run/a.sock"}}),
                  "linux.seccomp.defaultAction");
  EXPECT_CONTAINS(compile_error(allow_all_but({{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}})),
                  "linux.seccomp.listenerPath");
  json doc = allow_all_but({{{"names", {"write"}}, {"action", "SCMP_ACT_NOTIFY"}}});
  doc["listenerPath"] = "/run/a.sock";
  EXPECT_CONTAINS(compile_error(doc), "linux.seccomp.syscalls[0]");
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerMetadata", "x"}}),
                  "linux.seccomp.listenerMetadata");
  EXPECT_CONTAINS(compile_error(json{{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerPath", std::string(200, 'a')}}),
                  "linux.seccomp.listenerPath");
}

TEST(SeccompErrors, NotJsonOrNotAnObject) {
  EXPECT_CONTAINS(test::error_of(compile_seccomp("{nope")), "linux.seccomp");
  EXPECT_CONTAINS(test::error_of(compile_seccomp("[]")), "linux.seccomp: must be an object");
}

TEST(SeccompErrors, InstallEmptyProgram) {
  SeccompProgram p;
  EXPECT_TRUE(p.empty());
  EXPECT_FALSE(install_seccomp(p));
}

// ---- loading filters into a child ----------------------------------------------------

TEST(SeccompInstall, ErrnoRuleDeniesTheSyscall) {
  auto p = compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}},
                                     {{"names", {"uname"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", ENOTSUP}}}));
  int status = in_child([&] {
    if (try_getcwd() != 0) return 10;  // works before
    if (install_or_exit(p) != -1) return 11;
    if (try_getcwd() != EPERM) return 12;
    struct utsname u;
    errno = 0;
    if (::syscall(SYS_uname, &u) != -1 || errno != ENOTSUP) return 13;
    if (::getppid() <= 0) return 14;  // everything else still allowed
    return 0;
  });
  EXPECT_EQ(describe(status), "exit 0");
}

TEST(SeccompInstall, ChildReportsErrnoThroughExitCode) {
  auto p = compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 42}}}));
  int status = in_child([&] {
    install_or_exit(p);
    return try_getcwd();
  });
  EXPECT_EQ(describe(status), "exit 42");
}

TEST(SeccompInstall, DockerLikeProfile) {
  auto p = compile_ok(profile());
  int status = in_child([&] {
    install_or_exit(p);
    if (try_getcwd() != 0) return 10;
    if (::syscall(SYS_personality, 0xffffffffUL) < 0) return 11;          // query: allowed
    errno = 0;
    if (::syscall(SYS_personality, ADDR_NO_RANDOMIZE) != -1 || errno != EPERM) return 12;
    errno = 0;
    if (::syscall(SYS_acct, nullptr) != -1 || errno != EPERM) return 13;  // not listed: default
#ifdef SYS_clone3
    errno = 0;
    if (::syscall(SYS_clone3, nullptr, 0) != -1 || errno != ENOSYS) return 14;
#endif
    errno = 0;
    if (::syscall(SYS_unshare, CLONE_NEWUSER) != -1 || errno != EPERM) return 15;
    pid_t pid = ::fork();  // clone without namespace flags: allowed
    if (pid < 0) return 16;
    if (pid == 0) ::_exit(0);
    int st = 0;
    if (::waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return 17;
    return 0;
  });
  EXPECT_EQ(describe(status), "exit 0");
}

TEST(SeccompInstall, DefaultErrnoRet) {
  auto p = compile_ok(json{{"defaultAction", "SCMP_ACT_ERRNO"},
                           {"defaultErrnoRet", ENOSYS},
                           {"syscalls", {{{"names", {"exit", "exit_group", "umask"}}, {"action", "SCMP_ACT_ALLOW"}}}}});
  int status = in_child([&] {
    install_or_exit(p);
    if (try_umask(022) != 0) return 10;
    return try_getcwd();
  });
  EXPECT_EQ(describe(status), "exit " + std::to_string(ENOSYS));
}

TEST(SeccompInstall, EveryOperator) {
  // umask(x) fails with E2BIG when x OP 8 (MASKED_EQ: (x & 0xc) == 8).
  struct Case {
    const char* op;
    std::vector<unsigned long> denied, allowed;
  };
  std::vector<Case> cases = {
      {"SCMP_CMP_NE", {0, 7, 9}, {8}},        {"SCMP_CMP_LT", {0, 7}, {8, 9}},
      {"SCMP_CMP_LE", {0, 8}, {9, 0777}},     {"SCMP_CMP_EQ", {8}, {0, 7, 9}},
      {"SCMP_CMP_GE", {8, 0777}, {0, 7}},     {"SCMP_CMP_GT", {9, 0777}, {0, 8}},
      {"SCMP_CMP_MASKED_EQ", {8, 9, 011}, {0, 4, 014, 7}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.op);
    json arg = {{"index", 0}, {"op", c.op}, {"value", 8}};
    if (std::string(c.op) == "SCMP_CMP_MASKED_EQ") arg = {{"index", 0}, {"op", c.op}, {"value", 0xc}, {"valueTwo", 8}};
    auto p = compile_ok(allow_all_but({{{"names", {"umask"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", E2BIG}, {"args", {arg}}}}));
    int status = in_child([&] {
      install_or_exit(p);
      int i = 1;
      for (auto v : c.denied) {
        if (try_umask(v) != E2BIG) return i;
        ++i;
      }
      for (auto v : c.allowed) {
        if (try_umask(v) != 0) return 50 + i;
        ++i;
      }
      return 0;
    });
    EXPECT_EQ(describe(status), "exit 0");
  }
}

TEST(SeccompInstall, RepeatedIndexIsOr) {
  // Like runc: conditions on the same argument become separate rules, so either matches.
  auto p = compile_ok(allow_all_but({{{"names", {"umask"}}, {"action", "SCMP_ACT_ERRNO"},
                                      {"args",
                                       {{{"index", 0}, {"value", 1}, {"op", "SCMP_CMP_EQ"}},
                                        {{"index", 0}, {"value", 2}, {"op", "SCMP_CMP_EQ"}}}}}}));
  int status = in_child([&] {
    install_or_exit(p);
    if (try_umask(1) != EPERM) return 1;
    if (try_umask(2) != EPERM) return 2;
    if (try_umask(3) != 0) return 3;
    return 0;
  });
  EXPECT_EQ(describe(status), "exit 0");
}

TEST(SeccompInstall, ArgsOnDistinctIndexesAreAnd) {
  // getpriority(which, who): denied only when which == PRIO_PROCESS and who == 0.
  auto p = compile_ok(allow_all_but({{{"names", {"getpriority"}}, {"action", "SCMP_ACT_ERRNO"},
                                      {"args",
                                       {{{"index", 0}, {"value", PRIO_PROCESS}, {"op", "SCMP_CMP_EQ"}},
                                        {{"index", 1}, {"value", 0}, {"op", "SCMP_CMP_EQ"}}}}}}));
  int status = in_child([&] {
    install_or_exit(p);
    errno = 0;
    if (::syscall(SYS_getpriority, PRIO_PROCESS, 0) != -1 || errno != EPERM) return 1;
    if (::syscall(SYS_getpriority, PRIO_PROCESS, ::getpid()) < 0) return 2;
    if (::syscall(SYS_getpriority, PRIO_PGRP, 0) < 0) return 3;
    return 0;
  });
  EXPECT_EQ(describe(status), "exit 0");
}

TEST(SeccompInstall, KillActionsDeliverSigsys) {
  for (auto action : {"SCMP_ACT_TRAP", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS"}) {
    SCOPED_TRACE(action);
    auto p = compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", action}}}));
    int status = in_child([&] {
      install_or_exit(p);
      try_getcwd();
      return 0;
    });
    EXPECT_EQ(describe(status), "signal " + std::to_string(SIGSYS));
  }
}

TEST(SeccompInstall, LogAndTraceWithoutTracer) {
  // LOG lets the call through; TRACE without a tracer fails it with ENOSYS.
  auto p = compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_LOG"}},
                                     {{"names", {"uname"}}, {"action", "SCMP_ACT_TRACE"}, {"errnoRet", 5}}}));
  int status = in_child([&] {
    install_or_exit(p);
    if (try_getcwd() != 0) return 1;
    struct utsname u;
    errno = 0;
    if (::syscall(SYS_uname, &u) != -1 || errno != ENOSYS) return 2;
    return 0;
  });
  EXPECT_EQ(describe(status), "exit 0");
}

TEST(SeccompInstall, NotifyReturnsAListenerFd) {
  auto p = compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                           {"listenerPath", "/run/agent.sock"},
                           {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}});
  ASSERT_TRUE(needs_notify_listener(p));
  int status = in_child([&] {
    int fd = install_or_exit(p);
    if (fd < 0) return 1;
    if (::fcntl(fd, F_GETFD) < 0) return 2;
    ::close(fd);
    return 0;
  });
  EXPECT_EQ(describe(status), "exit 0");
}

TEST(SeccompInstall, TsyncFlagAndForeignArchitectures) {
  auto p = compile_ok(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                           {"flags", {"SECCOMP_FILTER_FLAG_TSYNC"}},
                           {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"}},
                           {"syscalls", {{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}}}}});
  int status = in_child([&] {
    install_or_exit(p);
    return try_getcwd();
  });
  EXPECT_EQ(describe(status), "exit " + std::to_string(EPERM));
}

TEST(SeccompInstall, WithoutNoNewPrivsOrPrivilegeFails) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may load filters without no_new_privs";
  auto p = compile_ok(allow_all_but({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}}}));
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = install_seccomp(p);  // no PR_SET_NO_NEW_PRIVS here
    ::_exit(r ? 1 : (r.error().code == EACCES ? 0 : 2));
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(describe(status), "exit 0");
}

}  // namespace
}  // namespace runz::linux
