// The eBPF device filter, compiled and run on an interpreter of the few instructions it
// uses, so its decisions can be checked without root or a kernel.
#include <linux/bpf.h>

#include <gtest/gtest.h>

#include "linux/device_filter.hpp"

namespace runz::linux {
namespace {

struct Access {
  char type;  // 'c' or 'b'
  uint32_t major, minor;
  std::string access;  // subset of "rwm"
};

// A tiny interpreter for exactly the instructions compile_device_filter emits.
int run(const std::vector<BpfInsn>& prog, const Access& a) {
  uint32_t acc = 0;
  for (char c : a.access) acc |= c == 'm' ? BPF_DEVCG_ACC_MKNOD : c == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
  uint32_t ctx[3] = {(acc << 16) | (a.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), a.major, a.minor};
  uint64_t r[11] = {};
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const BpfInsn& i = prog[pc];
    int dst = i.regs & 0xf, src = i.regs >> 4;
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W: r[dst] = ctx[i.off / 4]; break;
      case BPF_ALU | BPF_AND | BPF_K: r[dst] = static_cast<uint32_t>(r[dst]) & static_cast<uint32_t>(i.imm); break;
      case BPF_ALU | BPF_RSH | BPF_K: r[dst] = static_cast<uint32_t>(r[dst]) >> i.imm; break;
      case BPF_ALU | BPF_MOV | BPF_X: r[dst] = static_cast<uint32_t>(r[src]); break;
      case BPF_ALU64 | BPF_MOV | BPF_K: r[dst] = static_cast<uint64_t>(static_cast<int64_t>(i.imm)); break;
      case BPF_JMP | BPF_JNE | BPF_K:
        if (r[dst] != static_cast<uint64_t>(static_cast<int64_t>(i.imm))) pc += i.off;
        break;
      case BPF_JMP | BPF_EXIT: return static_cast<int>(r[0]);
      default: ADD_FAILURE() << "unexpected opcode " << int(i.code); return -1;
    }
  }
  ADD_FAILURE() << "fell off the end";
  return -1;
}

DeviceRule rule(bool allow, char type, std::optional<int64_t> major, std::optional<int64_t> minor, std::string access) {
  return DeviceRule{allow, type, major, minor, std::move(access)};
}

TEST(DeviceFilter, NoRulesAllowsEverything) {
  auto p = compile_device_filter({});
  EXPECT_EQ(run(p, {'c', 1, 3, "rw"}), 1);
  EXPECT_EQ(run(p, {'b', 8, 0, "m"}), 1);
}

TEST(DeviceFilter, DenyAllThenAllowSome) {
  auto p = compile_device_filter({rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', 1, 3, "rwm"),
                                  rule(true, 'c', 136, {}, "rw"), rule(true, 'a', {}, {}, "m")});
  EXPECT_EQ(run(p, {'c', 1, 3, "rw"}), 1) << "/dev/null";
  EXPECT_EQ(run(p, {'c', 1, 5, "r"}), 0) << "/dev/zero is not listed";
  EXPECT_EQ(run(p, {'c', 136, 7, "rw"}), 1) << "any pty";
  EXPECT_EQ(run(p, {'c', 136, 7, "m"}), 1) << "mknod comes from the last rule";
  EXPECT_EQ(run(p, {'c', 136, 7, "rwm"}), 0) << "no single rule grants all three";
  EXPECT_EQ(run(p, {'b', 8, 0, "r"}), 0) << "block devices denied";
  EXPECT_EQ(run(p, {'b', 8, 0, "m"}), 1) << "but mknod of anything is allowed";
}

TEST(DeviceFilter, AccessSubsetsAndLaterRulesWin) {
  auto p = compile_device_filter({rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', 10, 200, "r"),
                                  rule(false, 'c', 10, 200, "r")});
  EXPECT_EQ(run(p, {'c', 10, 200, "r"}), 0) << "the later deny wins";
  auto q = compile_device_filter({rule(false, 'a', {}, {}, "rwm"), rule(true, 'c', 10, 200, "r")});
  EXPECT_EQ(run(q, {'c', 10, 200, "r"}), 1);
  EXPECT_EQ(run(q, {'c', 10, 200, "rw"}), 0) << "write was not granted";
  EXPECT_EQ(run(q, {'b', 10, 200, "r"}), 0) << "type must match";
}

TEST(DeviceFilter, AWildcardResetsWhatCameBefore) {
  auto p = compile_device_filter({rule(false, 'c', 1, 3, "rwm"), rule(true, 'a', {}, {}, "rwm")});
  EXPECT_EQ(run(p, {'c', 1, 3, "rw"}), 1) << "allow-all after the deny makes it moot";
  auto q = compile_device_filter({rule(true, 'a', {}, {}, "rwm"), rule(false, 'c', 1, 3, "w")});
  EXPECT_EQ(run(q, {'c', 1, 3, "r"}), 1);
  EXPECT_EQ(run(q, {'c', 1, 3, "w"}), 0);
}

}  // namespace
}  // namespace runz::linux
