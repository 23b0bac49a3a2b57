#include "linux/device_filter.hpp"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace runz::linux {
namespace {

// Registers: r1 = context, r2 = device type, r3 = requested access, r4 = major, r5 = minor.
constexpr uint8_t regs(int dst, int src = 0) { return static_cast<uint8_t>((src << 4) | dst); }
BpfInsn load_word(int dst, int16_t off) { return {BPF_LDX | BPF_MEM | BPF_W, regs(dst, 1), off, 0}; }
BpfInsn and_imm(int dst, int32_t imm) { return {BPF_ALU | BPF_AND | BPF_K, regs(dst), 0, imm}; }
BpfInsn rsh_imm(int dst, int32_t imm) { return {BPF_ALU | BPF_RSH | BPF_K, regs(dst), 0, imm}; }
BpfInsn mov_reg(int dst, int src) { return {BPF_ALU | BPF_MOV | BPF_X, regs(dst, src), 0, 0}; }
BpfInsn mov_imm(int dst, int32_t imm) { return {BPF_ALU64 | BPF_MOV | BPF_K, regs(dst), 0, imm}; }
BpfInsn jne_imm(int dst, int32_t imm, int16_t off) { return {BPF_JMP | BPF_JNE | BPF_K, regs(dst), off, imm}; }
BpfInsn exit_insn() { return {BPF_JMP | BPF_EXIT, 0, 0, 0}; }

int32_t access_bits(const std::string& access) {
  int32_t bits = 0;
  for (char c : access) {
    if (c == 'm') bits |= BPF_DEVCG_ACC_MKNOD;
    if (c == 'r') bits |= BPF_DEVCG_ACC_READ;
    if (c == 'w') bits |= BPF_DEVCG_ACC_WRITE;
  }
  return bits;
}

constexpr int32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

bool wildcard(const DeviceRule& r) {
  return r.type == 'a' && (!r.major || *r.major < 0) && (!r.minor || *r.minor < 0) && access_bits(r.access) == kAllAccess;
}

// One rule: fall through to the next block unless the device matches, else return.
std::vector<BpfInsn> rule_block(const DeviceRule& r) {
  std::vector<BpfInsn> checks;
  if (r.type != 'a') checks.push_back(jne_imm(2, r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
  int32_t bits = access_bits(r.access);
  if (bits != kAllAccess) {
    // Matches only when every requested bit is in the rule: (requested & ~rule) == 0.
    checks.push_back(mov_reg(1, 3));
    checks.push_back(and_imm(1, ~bits & kAllAccess));
    checks.push_back(jne_imm(1, 0, 0));
  }
  if (r.major && *r.major >= 0) checks.push_back(jne_imm(4, static_cast<int32_t>(*r.major), 0));
  if (r.minor && *r.minor >= 0) checks.push_back(jne_imm(5, static_cast<int32_t>(*r.minor), 0));
  checks.push_back(mov_imm(0, r.allow ? 1 : 0));
  checks.push_back(exit_insn());
  // Every conditional jump skips to just past this block.
  for (size_t i = 0; i < checks.size(); ++i)
    if (checks[i].code == (BPF_JMP | BPF_JNE | BPF_K)) checks[i].off = static_cast<int16_t>(checks.size() - i - 1);
  return checks;
}

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

std::vector<BpfInsn> compile_device_filter(const std::vector<DeviceRule>& rules) {
  // The last wildcard rule decides the default and makes everything before it moot.
  bool default_allow = true;
  size_t first = 0;
  for (size_t i = 0; i < rules.size(); ++i)
    if (wildcard(rules[i])) {
      default_allow = rules[i].allow;
      first = i + 1;
    }
  std::vector<BpfInsn> prog = {
      load_word(2, 0), and_imm(2, 0xffff),  // type: low 16 bits of access_type
      load_word(3, 0), rsh_imm(3, 16),      // access: high 16 bits
      load_word(4, 4), load_word(5, 8),     // major, minor
  };
  // Later rules win: test them first.
  for (size_t i = rules.size(); i-- > first;) {
    auto block = rule_block(rules[i]);
    prog.insert(prog.end(), block.begin(), block.end());
  }
  prog.push_back(mov_imm(0, default_allow ? 1 : 0));
  prog.push_back(exit_insn());
  return prog;
}

Result<void> attach_device_filter(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules) {
  auto prog = compile_device_filter(rules);
  static_assert(sizeof(BpfInsn) == sizeof(bpf_insn));
  char license[] = "Apache";
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(prog.data());
  load.insn_cnt = static_cast<uint32_t>(prog.size());
  load.license = reinterpret_cast<uint64_t>(license);
  Fd prog_fd(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
  if (!prog_fd) return fail_sys("load the eBPF device filter");
  Fd cgroup(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) return fail_sys("open " + cgroup_dir);
  bpf_attr attach{};
  attach.target_fd = static_cast<uint32_t>(cgroup.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attach) != 0) return fail_sys("attach the eBPF device filter to " + cgroup_dir);
  return {};
}

}  // namespace runz::linux
