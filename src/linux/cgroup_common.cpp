#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "linux/cgroup_drivers.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::linux {

static Result<void> collect_procs(const std::string& dir, std::vector<pid_t>& out, int depth) {
  TRY(std::string text, read_file(dir + "/cgroup.procs"));
  for (auto& line : split(text, '\n'))
    if (auto v = parse_int(line)) out.push_back(static_cast<pid_t>(*v));
  if (depth > 64) return {};
  DIR* d = ::opendir(dir.c_str());
  if (!d) return {};
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (e->d_type == DT_DIR && name != "." && name != "..") children.push_back(dir + "/" + name);
  }
  ::closedir(d);
  for (auto& child : children) {
    // A sub-cgroup that vanished meanwhile holds nobody.
    if (auto r = collect_procs(child, out, depth + 1); !r && r.error().code != ENOENT) return r;
  }
  return {};
}

Result<std::vector<pid_t>> read_cgroup_procs(const std::string& dir) {
  std::vector<pid_t> out;
  TRYV(collect_procs(dir, out, 0));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<void> remove_cgroup_dir(const std::string& dir) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY) return fail_sys("remove cgroup " + dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return fail_sys("remove cgroup " + dir, EBUSY);
}

namespace {

using Clock = std::chrono::steady_clock;

void nap(int iteration) {
  // 1 ms at first, then up to 10 ms: a freeze usually completes at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(10, 1 + iteration / 10)));
}

std::string ms(std::chrono::milliseconds t) { return std::to_string(t.count()) + " ms"; }

}  // namespace

Result<void> freeze_v1_dir(const std::string& dir, std::chrono::milliseconds timeout) {
  const std::string file = dir + "/freezer.state";
  const auto deadline = Clock::now() + timeout;
  for (int i = 0;; ++i) {
    // As runc does: a brief thaw now and then lets tasks stuck in the kernel move on.
    if (i % 50 == 49) {
      (void)write_existing(file, "THAWED");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    TRYV(with_context(write_existing(file, "FROZEN"), "freeze " + dir));
    TRY(std::string text, with_context(read_file(file), "freeze " + dir));
    std::string_view state = trim(text);
    if (state == "FROZEN") return {};
    if (state != "FREEZING") {
      (void)write_existing(file, "THAWED");
      return fail_user("freeze " + dir + ": unexpected freezer.state \"" + std::string(state) + "\"");
    }
    if (Clock::now() >= deadline) break;
    nap(i);
  }
  (void)write_existing(file, "THAWED");
  return fail_user("freeze " + dir + ": the processes were not all frozen within " + ms(timeout) +
                   " (some may be stuck in the kernel); thawed again");
}

Result<void> thaw_v1_dir(const std::string& dir) {
  return with_context(write_existing(dir + "/freezer.state", "THAWED"), "thaw " + dir);
}

bool is_frozen_v1_dir(const std::string& dir) {
  auto state = read_file(dir + "/freezer.state");
  if (!state) return false;
  std::string_view s = trim(*state);
  if (s != "FROZEN" && s != "FREEZING") return false;
  // FROZEN is also what a cgroup below a frozen one reads: only our own freeze counts.
  auto self = read_file(dir + "/freezer.self_freezing");
  return !self || trim(*self) != "0";
}

static bool events_say_frozen(const std::string& dir) {
  auto text = read_file(dir + "/cgroup.events");
  if (!text) return false;
  for (auto& line : split(*text, '\n'))
    if (trim(line) == "frozen 1") return true;
  return false;
}

Result<void> freeze_v2_dir(const std::string& dir, std::chrono::milliseconds timeout) {
  TRYV(with_context(write_existing(dir + "/cgroup.freeze", "1"), "freeze " + dir));
  const auto deadline = Clock::now() + timeout;
  for (int i = 0;; ++i) {
    if (events_say_frozen(dir)) return {};
    if (Clock::now() >= deadline) break;
    nap(i);
  }
  (void)write_existing(dir + "/cgroup.freeze", "0");
  return fail_user("freeze " + dir + ": cgroup.events did not report frozen within " + ms(timeout) +
                   "; thawed again");
}

Result<void> thaw_v2_dir(const std::string& dir) {
  return with_context(write_existing(dir + "/cgroup.freeze", "0"), "thaw " + dir);
}

bool is_frozen_v2_dir(const std::string& dir) {
  auto text = read_file(dir + "/cgroup.freeze");
  return text && trim(*text) == "1";
}

}  // namespace runz::linux
