#include "linux/seccomp.hpp"

#include <seccomp.h>
#include <sys/un.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "util/log.hpp"

namespace runz::linux {
namespace {

using json = nlohmann::json;

constexpr int kMaxSyscallArgs = 6;

#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define RUNZ_SECCOMP_HAS_WAITKILL 1
#else
#define RUNZ_SECCOMP_HAS_WAITKILL 0
#endif

std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

// Field helpers: every error carries the path of the offending field.
Result<std::string> as_string(const json& v, const std::string& path) {
  if (!v.is_string()) return fail_user(path + ": must be a string");
  return v.get<std::string>();
}

Result<uint64_t> as_u64(const json& v, const std::string& path) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
  return fail_user(path + ": must be a non-negative integer");
}

Result<const json*> as_array(const json& v, const std::string& path) {
  if (!v.is_array()) return fail_user(path + ": must be an array");
  return &v;
}

// The field `key` of object `j`, or nullptr when absent or null.
const json* field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

// ---- actions -------------------------------------------------------------------------

enum class ActionKind { kill, kill_process, kill_thread, trap, errno_ret, trace, allow, log, notify };

struct ActionName {
  std::string_view name;
  ActionKind kind;
};

constexpr std::array kActions = {
    ActionName{"SCMP_ACT_KILL", ActionKind::kill},
    ActionName{"SCMP_ACT_KILL_PROCESS", ActionKind::kill_process},
    ActionName{"SCMP_ACT_KILL_THREAD", ActionKind::kill_thread},
    ActionName{"SCMP_ACT_TRAP", ActionKind::trap},
    ActionName{"SCMP_ACT_ERRNO", ActionKind::errno_ret},
    ActionName{"SCMP_ACT_TRACE", ActionKind::trace},
    ActionName{"SCMP_ACT_ALLOW", ActionKind::allow},
    ActionName{"SCMP_ACT_LOG", ActionKind::log},
    ActionName{"SCMP_ACT_NOTIFY", ActionKind::notify},
};

struct Action {
  ActionKind kind;
  uint32_t value;  // the libseccomp action, errno/trace data included
};

// Read `<action_key>` and `<errno_key>` of `obj` (at `path`) into a libseccomp action.
Result<Action> parse_action(const json& obj, const std::string& path, const char* action_key,
                            const char* errno_key) {
  const json* a = field(obj, action_key);
  std::string apath = path + "." + action_key;
  if (!a) return fail_user(apath + ": required");
  TRY(std::string name, as_string(*a, apath));
  const ActionName* found = nullptr;
  for (auto& an : kActions)
    if (an.name == name) found = &an;
  if (!found) return fail_user(apath + ": unknown action " + in_quotes(name));

  std::optional<uint64_t> ret;
  if (const json* e = field(obj, errno_key)) {
    std::string epath = path + "." + errno_key;
    TRY(uint64_t v, as_u64(*e, epath));
    if (found->kind != ActionKind::errno_ret && found->kind != ActionKind::trace)
      return fail_user(epath + ": only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not " + name);
    if (v > 0xffff) return fail_user(epath + ": " + std::to_string(v) + " is out of range (0-65535)");
    ret = v;
  }
  uint32_t data = static_cast<uint32_t>(ret.value_or(EPERM));
  switch (found->kind) {
    case ActionKind::kill: return Action{found->kind, SCMP_ACT_KILL};
    case ActionKind::kill_process: return Action{found->kind, SCMP_ACT_KILL_PROCESS};
    case ActionKind::kill_thread: return Action{found->kind, SCMP_ACT_KILL_THREAD};
    case ActionKind::trap: return Action{found->kind, SCMP_ACT_TRAP};
    case ActionKind::errno_ret: return Action{found->kind, SCMP_ACT_ERRNO(data)};
    case ActionKind::trace: return Action{found->kind, SCMP_ACT_TRACE(data)};
    case ActionKind::allow: return Action{found->kind, SCMP_ACT_ALLOW};
    case ActionKind::log: return Action{found->kind, SCMP_ACT_LOG};
    case ActionKind::notify: return Action{found->kind, SCMP_ACT_NOTIFY};
  }
  return fail_user(apath + ": unknown action " + in_quotes(name));
}

// ---- operators -----------------------------------------------------------------------

struct OperatorName {
  std::string_view name;
  scmp_compare op;
};

constexpr std::array kOperators = {
    OperatorName{"SCMP_CMP_NE", SCMP_CMP_NE},         OperatorName{"SCMP_CMP_LT", SCMP_CMP_LT},
    OperatorName{"SCMP_CMP_LE", SCMP_CMP_LE},         OperatorName{"SCMP_CMP_EQ", SCMP_CMP_EQ},
    OperatorName{"SCMP_CMP_GE", SCMP_CMP_GE},         OperatorName{"SCMP_CMP_GT", SCMP_CMP_GT},
    OperatorName{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

Result<scmp_arg_cmp> parse_arg(const json& a, const std::string& path) {
  if (!a.is_object()) return fail_user(path + ": must be an object");
  const json* index = field(a, "index");
  const json* value = field(a, "value");
  const json* op = field(a, "op");
  if (!index) return fail_user(path + ".index: required");
  if (!value) return fail_user(path + ".value: required");
  if (!op) return fail_user(path + ".op: required");

  TRY(uint64_t idx, as_u64(*index, path + ".index"));
  if (idx >= kMaxSyscallArgs)
    return fail_user(path + ".index: " + std::to_string(idx) + " is out of range (0-5)");
  TRY(uint64_t v1, as_u64(*value, path + ".value"));
  uint64_t v2 = 0;
  if (const json* two = field(a, "valueTwo")) {
    TRY(uint64_t v, as_u64(*two, path + ".valueTwo"));
    v2 = v;
  }
  TRY(std::string op_name, as_string(*op, path + ".op"));
  for (auto& o : kOperators)
    if (o.name == op_name) {
      // SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum; the others use value only.
      return scmp_arg_cmp{static_cast<unsigned>(idx), o.op, v1, v2};
    }
  return fail_user(path + ".op: unknown operator " + in_quotes(op_name));
}

// ---- architectures and flags ---------------------------------------------------------

constexpr std::string_view kArchPrefix = "SCMP_ARCH_";

// Every architecture name the spec lists, then the ones newer libseccomp adds.
constexpr std::array<std::string_view, 23> kArchNames = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",        "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",
};

// SCMP_ARCH_X86_64 → libseccomp's token for "x86_64"; 0 when unknown.
uint32_t arch_token(std::string_view spec_name) {
  if (!spec_name.starts_with(kArchPrefix) || spec_name.size() == kArchPrefix.size()) return 0;
  std::string lower(spec_name.substr(kArchPrefix.size()));
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "native") return 0;  // not a spec name
  return seccomp_arch_resolve_name(lower.c_str());
}

struct FlagName {
  std::string_view name;
  int min_api;  // seccomp_api_get() level the kernel needs
};

constexpr std::array kFlags = {
    FlagName{"SECCOMP_FILTER_FLAG_TSYNC", 2},
    FlagName{"SECCOMP_FILTER_FLAG_LOG", 3},
    FlagName{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4},
    FlagName{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 7},
};

// The filter attribute for a spec flag; nullopt when this libseccomp cannot set it.
std::optional<scmp_filter_attr> flag_attr(std::string_view name) {
  if (name == "SECCOMP_FILTER_FLAG_TSYNC") return SCMP_FLTATR_CTL_TSYNC;
  if (name == "SECCOMP_FILTER_FLAG_LOG") return SCMP_FLTATR_CTL_LOG;
  if (name == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SCMP_FLTATR_CTL_SSB;
#if RUNZ_SECCOMP_HAS_WAITKILL
  if (name == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") return SCMP_FLTATR_CTL_WAITKILL;
#endif
  return std::nullopt;
}

std::string libseccomp_version() {
  const scmp_version* v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

// ---- rules ---------------------------------------------------------------------------

struct SyscallRule {
  std::vector<std::string> names;
  Action action;
  std::vector<scmp_arg_cmp> args;
};

Result<SyscallRule> parse_syscall(const json& s, const std::string& path) {
  if (!s.is_object()) return fail_user(path + ": must be an object");
  SyscallRule r;
  const json* names = field(s, "names");
  if (!names) return fail_user(path + ".names: required");
  TRYV(as_array(*names, path + ".names"));
  if (names->empty()) return fail_user(path + ".names: must list at least one syscall");
  for (size_t i = 0; i < names->size(); ++i) {
    std::string npath = path + ".names[" + std::to_string(i) + "]";
    TRY(std::string n, as_string((*names)[i], npath));
    if (n.empty()) return fail_user(npath + ": empty syscall name");
    r.names.push_back(std::move(n));
  }
  TRY(r.action, parse_action(s, path, "action", "errnoRet"));
  if (const json* args = field(s, "args")) {
    TRYV(as_array(*args, path + ".args"));
    for (size_t i = 0; i < args->size(); ++i) {
      TRY(scmp_arg_cmp c, parse_arg((*args)[i], path + ".args[" + std::to_string(i) + "]"));
      r.args.push_back(c);
    }
  }
  return r;
}

// Add one rule per syscall name. Conditions on distinct arguments are ANDed in one rule;
// when an argument index repeats, libseccomp would reject the rule, so (like runc) each
// condition becomes a rule of its own and they are ORed.
Result<bool> add_rules(scmp_filter_ctx ctx, const SyscallRule& r, uint32_t default_action,
                       const std::string& path) {
  bool added = false;
  if (r.action.value == default_action) {
    log::debug(path + ": action equals defaultAction; rule skipped");
    return added;
  }
  std::array<int, kMaxSyscallArgs> per_index{};
  bool repeated = false;
  for (auto& c : r.args)
    if (++per_index[c.arg] > 1) repeated = true;

  for (auto& name : r.names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      log::debug(path + ": syscall " + in_quotes(name) + " is unknown to libseccomp; skipped");
      continue;
    }
    auto add = [&](unsigned count, const scmp_arg_cmp* conds) -> Result<void> {
      int rc = seccomp_rule_add_array(ctx, r.action.value, nr, count, conds);
      if (rc < 0) return fail_sys(path + ": add rule for " + in_quotes(name), -rc);
      return {};
    };
    if (!repeated) {
      TRYV(add(static_cast<unsigned>(r.args.size()), r.args.data()));
    } else {
      for (auto& c : r.args) TRYV(add(1, &c));
    }
    added = true;
  }
  return added;
}

Result<void> set_attr(scmp_filter_ctx ctx, scmp_filter_attr attr, uint32_t value,
                      const std::string& what) {
  int rc = seccomp_attr_set(ctx, attr, value);
  if (rc < 0) return fail_sys(what, -rc);
  return {};
}

}  // namespace

void SeccompProgram::Release::operator()(void* ctx) const noexcept {
  seccomp_release(static_cast<scmp_filter_ctx>(ctx));
}

Result<SeccompProgram> compile_seccomp(std::string_view seccomp_json) {
  const std::string root = "linux.seccomp";
  json j = json::parse(seccomp_json.begin(), seccomp_json.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail_user(root + ": not valid JSON");
  if (!j.is_object()) return fail_user(root + ": must be an object");

  TRY(Action def, parse_action(j, root, "defaultAction", "defaultErrnoRet"));
  // A NOTIFY default would send every syscall of the init itself, before it can hand the
  // listener fd over, to a listener that does not exist yet (runc refuses it too).
  if (def.kind == ActionKind::notify)
    return fail_user(root + ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

  SeccompProgram prog;
  if (const json* p = field(j, "listenerPath")) {
    TRY(prog.listener_path_, as_string(*p, root + ".listenerPath"));
    if (prog.listener_path_.size() >= sizeof(sockaddr_un::sun_path))
      return fail_user(root + ".listenerPath: longer than a unix socket path can be");
  }
  if (const json* m = field(j, "listenerMetadata")) {
    TRY(prog.listener_metadata_, as_string(*m, root + ".listenerMetadata"));
    if (prog.listener_path_.empty())
      return fail_user(root + ".listenerMetadata: must not be set without listenerPath");
  }

  // Parse everything before building, so errors do not depend on the host's libseccomp.
  std::vector<std::pair<uint32_t, std::string>> arches;
  if (const json* a = field(j, "architectures")) {
    TRYV(as_array(*a, root + ".architectures"));
    for (size_t i = 0; i < a->size(); ++i) {
      std::string apath = root + ".architectures[" + std::to_string(i) + "]";
      TRY(std::string name, as_string((*a)[i], apath));
      uint32_t token = arch_token(name);
      if (token == 0) return fail_user(apath + ": unknown architecture " + in_quotes(name));
      arches.emplace_back(token, name);
    }
  }

  std::vector<std::pair<scmp_filter_attr, std::string>> flags;
  if (const json* f = field(j, "flags")) {
    TRYV(as_array(*f, root + ".flags"));
    for (size_t i = 0; i < f->size(); ++i) {
      std::string fpath = root + ".flags[" + std::to_string(i) + "]";
      TRY(std::string name, as_string((*f)[i], fpath));
      bool known = false;
      for (auto& k : kFlags) known = known || k.name == name;
      if (!known) return fail_user(fpath + ": unknown flag " + in_quotes(name));
      auto attr = flag_attr(name);
      if (!attr)
        return fail_user(fpath + ": " + name + " is not supported by libseccomp " + libseccomp_version());
      flags.emplace_back(*attr, fpath);
    }
  }

  std::vector<SyscallRule> rules;
  bool declares_notify = false;
  if (const json* s = field(j, "syscalls")) {
    TRYV(as_array(*s, root + ".syscalls"));
    for (size_t i = 0; i < s->size(); ++i) {
      std::string spath = root + ".syscalls[" + std::to_string(i) + "]";
      TRY(SyscallRule r, parse_syscall((*s)[i], spath));
      if (r.action.kind == ActionKind::notify) {
        declares_notify = true;
        // The init writes to its sync channel after loading the filter; notifying write
        // would deadlock it (runc refuses it too).
        for (auto& n : r.names)
          if (n == "write")
            return fail_user(spath + ".action: SCMP_ACT_NOTIFY cannot be used for the write syscall");
      }
      rules.push_back(std::move(r));
    }
  }
  if (declares_notify && prog.listener_path_.empty())
    return fail_user(root + ".listenerPath: required when SCMP_ACT_NOTIFY is used");

  // Build the filter.
  scmp_filter_ctx ctx = seccomp_init(def.value);
  if (ctx == nullptr)
    return fail_user(root + ".defaultAction: not supported by this kernel or libseccomp");
  prog.ctx_.reset(ctx);

  // No implicit no_new_privs: the caller decides (process.noNewPrivileges), as runc does.
  TRYV(set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, root + ": clear the no_new_privs attribute"));
  // Real errno values from the kernel instead of -ECANCELED (best effort).
  (void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);

  for (size_t i = 0; i < arches.size(); ++i) {
    int rc = seccomp_arch_add(ctx, arches[i].first);
    if (rc < 0 && rc != -EEXIST)
      return fail_sys(root + ".architectures[" + std::to_string(i) + "]: add " + arches[i].second, -rc);
  }
  for (auto& [attr, fpath] : flags) TRYV(set_attr(ctx, attr, 1, fpath));

  for (size_t i = 0; i < rules.size(); ++i) {
    TRY(bool added, add_rules(ctx, rules[i], def.value, root + ".syscalls[" + std::to_string(i) + "]"));
    if (added && rules[i].action.kind == ActionKind::notify) prog.notify_ = true;
  }
  return prog;
}

Result<int> install_seccomp(const SeccompProgram& program) {
  if (program.empty()) return fail_user("seccomp: no filter compiled");
  auto ctx = static_cast<scmp_filter_ctx>(program.ctx_.get());
  int rc = seccomp_load(ctx);
  if (rc < 0) return fail_sys("load seccomp filter", -rc);
  if (!program.notify_) return -1;
  int fd = seccomp_notify_fd(ctx);
  if (fd < 0) return fail_sys("get seccomp notify fd", -fd);
  return fd;
}

bool needs_notify_listener(const SeccompProgram& program) { return program.notify_; }
std::string listener_path(const SeccompProgram& program) { return program.listener_path_; }
std::string listener_metadata(const SeccompProgram& program) { return program.listener_metadata_; }

const std::vector<std::string>& seccomp_known_actions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto& a : kActions) v.emplace_back(a.name);
    return v;
  }();
  return names;
}

const std::vector<std::string>& seccomp_known_operators() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto& o : kOperators) v.emplace_back(o.name);
    return v;
  }();
  return names;
}

const std::vector<std::string>& seccomp_known_flags() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto& f : kFlags) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

std::vector<std::string> seccomp_supported_flags() {
  std::vector<std::string> v;
  int api = static_cast<int>(seccomp_api_get());
  for (auto& f : kFlags)
    if (flag_attr(f.name) && api >= f.min_api) v.emplace_back(f.name);
  return v;
}

std::vector<std::string> seccomp_known_architectures() {
  std::vector<std::string> v;
  for (auto n : kArchNames)
    if (arch_token(n) != 0) v.emplace_back(n);
  return v;
}

}  // namespace runz::linux
