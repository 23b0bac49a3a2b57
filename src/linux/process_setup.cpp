#include "linux/process_setup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cctype>
#include <cstring>

#include "linux/capabilities.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {

Result<void> apply_rlimits(const std::vector<oci::Rlimit>& rlimits) {
  for (auto& r : rlimits) {
    auto n = oci::rlimit_number(r.type);
    if (!n) return fail_user("unknown rlimit " + r.type);
    rlimit lim{r.soft, r.hard};
    if (::setrlimit(static_cast<__rlimit_resource>(*n), &lim) != 0) return fail_sys("setrlimit " + r.type);
  }
  return {};
}

Result<void> set_oom_score_adj(int value) {
  return with_context(write_existing("/proc/self/oom_score_adj", std::to_string(value)), "set oomScoreAdj");
}

Result<void> set_personality(const std::string& domain) {
  unsigned long p = domain == "LINUX32" ? PER_LINUX32 : PER_LINUX;
  if (::personality(p) < 0) return fail_sys("personality " + domain);
  return {};
}

Result<void> switch_user(const oci::User& user) {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return fail_sys("keep capabilities");
  std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
  if (::setgroups(groups.size(), groups.data()) != 0 && errno != EPERM) return fail_sys("setgroups");
  if (::setresgid(user.gid, user.gid, user.gid) != 0) return fail_sys("setgid " + std::to_string(user.gid));
  if (::setresuid(user.uid, user.uid, user.uid) != 0) return fail_sys("setuid " + std::to_string(user.uid));
  ::umask(user.umask ? static_cast<mode_t>(*user.umask) : 022);
  return {};
}

Result<void> set_no_new_privileges() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail_sys("set no_new_privs");
  return {};
}

Result<void> apply_identity(const oci::Process& p) {
  if (p.capabilities) TRYV(drop_bounding_set(*p.capabilities));
  TRYV(switch_user(p.user));
  if (p.capabilities) TRYV(apply_capability_sets(*p.capabilities));
  if (p.no_new_privileges) TRYV(set_no_new_privileges());
  return {};
}

void reset_signal_state() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
}

static bool executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) {
    if (executable_file(name)) return name;
    // Engines map these words to exit codes (127 for "no such file or directory", 126 for
    // "permission denied"): keep runc's wording.
    struct stat st;
    int err = ::stat(name.c_str(), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : EACCES;
    std::string why = std::strerror(err);
    why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));  // Go's wording
    return fail(Error{err, "exec: \"" + name + "\": stat " + name + ": " + why});
  }
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (auto& e : env)
    if (e.starts_with("PATH=")) path = e.substr(5);
  for (auto& dir : split(path, ':')) {
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (executable_file(candidate)) return candidate;
  }
  return fail_user("exec: \"" + name + "\": executable file not found in $PATH");
}

Result<void> enter_cwd(const std::string& cwd) {
  if (::chdir(cwd.c_str()) != 0) return fail_sys("chdir to cwd " + cwd);
  char buf[PATH_MAX];
  // A directory reached through a leaked host fd would read as "(unreachable)/...".
  if (!::getcwd(buf, sizeof buf) || buf[0] != '/') return fail_user("cwd " + cwd + " is outside the container");
  return {};
}

void close_inherited_fds(int preserve_fds, std::initializer_list<int> keep) {
  unsigned from = 3u + static_cast<unsigned>(preserve_fds);
  std::vector<int> kept;
  for (int k : keep)
    if (k >= static_cast<int>(from)) kept.push_back(k);
  std::sort(kept.begin(), kept.end());
  for (int k : kept) {
    ::fcntl(k, F_SETFD, FD_CLOEXEC);
    if (static_cast<unsigned>(k) > from) ::syscall(SYS_close_range, from, static_cast<unsigned>(k) - 1, 0);
    from = std::max(from, static_cast<unsigned>(k) + 1);
  }
  ::syscall(SYS_close_range, from, ~0u, 0);
}

Result<void> exec_process(const std::string& path, const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(path.c_str(), argv.data(), envp.data());
  return fail_sys("exec " + path);
}

}  // namespace runz::linux
