// runz-guest-init: PID 1 of a Linux guest (the vm kind's Linux path). Static, libc + STL only.
// From the initramfs that backends/vm/initramfs.cpp writes it:
//   1. mounts /dev, /proc, /sys and loads the modules listed in /runz/modules (passing each
//      the "module.param=value" words of the kernel command line, as modprobe would);
//   2. brings lo up and, when the kernel command line has "runz.net=" (guest_net_config.hpp),
//      configures the NIC with that MAC: address, netmask, MTU, default route;
//   3. mounts the container's rootfs, shared by the host over virtio-9p with the tag
//      "rootfs", on /newroot, mounts proc, sysfs, devtmpfs, devpts, /dev/shm and /tmp in it,
//      and makes it the root;
//   4. runs the process of /runz/process (backends/vm/guest_process.hpp) as a child with its
//      env, cwd, hostname, groups, gid, uid and umask, reaping every orphan meanwhile;
//   5. reports the process's exit status (its code, or 128+signal) through QEMU's
//      isa-debug-exit at port 0xf4 (QEMU then exits with (status << 1) | 1), falling back
//      to a power-off when there is no such device. When the host also shares a directory
//      with the 9p tag "runzstatus", the status is first written to its file "exit-status"
//      as a decimal line: QEMU's exit status keeps only 7 bits of it.
// Any failure of the init itself prints "runz-guest-init: <what>: <errno text>" on the
// console and reports 127. A command that cannot be found reports 127, one that cannot be
// executed 126 (the shells' convention).
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <linux/input.h>
#include <poll.h>
#include <dirent.h>
#include <grp.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "backends/vm/guest_net_config.hpp"
#include "backends/vm/guest_process.hpp"

extern char** environ;

namespace {

using runz::backends::vm::GuestNetConfig;
using runz::backends::vm::GuestProcess;

constexpr int kSetupFailure = 127;
constexpr unsigned short kDebugExitPort = 0xf4;
constexpr const char* kRootTag = "rootfs";
constexpr const char* kStatusTag = "runzstatus";
constexpr const char* kNewRoot = "/newroot";
constexpr const char* k9pOptions = "trans=virtio,version=9p2000.L,msize=262144";

void say(std::string_view line) {
  std::string out = "runz-guest-init: " + std::string(line) + "\n";
  (void)!::write(STDERR_FILENO, out.data(), out.size());
}

// The full exit status for a host that shares a directory with the tag "runzstatus":
// QEMU's own exit status keeps only 7 bits of it ((status << 1) | 1, truncated to 8).
int status_fd = -1;

// Whether the host shares a 9p directory with this tag (asking sysfs first keeps the
// kernel's "no channels available" error off the console).
bool has_9p_tag(std::string_view tag) {
  const std::string dir = "/sys/bus/virtio/drivers/9pnet_virtio";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return false;
  bool found = false;
  while (dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, "virtio", 6) != 0) continue;
    int fd = ::open((dir + "/" + e->d_name + "/mount_tag").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    std::string_view value(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\0')) value.remove_suffix(1);
    if (value == tag) found = true;
  }
  ::closedir(d);
  return found;
}

void open_status_channel() {
  if (!has_9p_tag(kStatusTag)) return;
  if (::mkdir("/runz/status", 0700) != 0 ||
      ::mount(kStatusTag, "/runz/status", "9p", MS_NOSUID | MS_NODEV | MS_NOEXEC, k9pOptions) != 0) {
    say(std::string("mount 9p status share: ") + std::strerror(errno));
    return;
  }
  status_fd = ::open("/runz/status/exit-status", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (status_fd < 0) say(std::string("open exit-status: ") + std::strerror(errno));
}

[[noreturn]] void report_exit(int status) {
  // Whatever the process wrote may still sit in the serial driver's buffer.
  ::tcdrain(STDOUT_FILENO);
  ::tcdrain(STDERR_FILENO);
  if (status_fd >= 0) {
    std::string line = std::to_string(status) + "\n";
    (void)!::write(status_fd, line.data(), line.size());
    ::fsync(status_fd);
  }
  ::sync();
  if (::ioperm(kDebugExitPort, 4, 1) == 0) ::outl(static_cast<unsigned>(status), kDebugExitPort);
  // Still here: no isa-debug-exit device. A clean power-off is all we can tell the host.
  ::reboot(RB_POWER_OFF);
  for (;;) ::pause();
}

[[noreturn]] void die(std::string_view what, int err = errno) {
  say(std::string(what) + ": " + std::strerror(err));
  report_exit(kSetupFailure);
}

void must(int rc, std::string_view what) {
  if (rc != 0) die(what);
}

std::string read_whole(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(std::string("open ") + path);
  std::string data;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die(std::string("read ") + path);
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty()) lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

void mount_fs(const char* source, const std::string& target, const char* type,
              unsigned long flags, const char* data) {
  if (::mkdir(target.c_str(), 0755) != 0 && errno != EEXIST) die("mkdir " + target);
  if (::mount(source, target.c_str(), type, flags, data) != 0) die("mount " + target);
}

// The kernel command line's words (double quotes group, as the kernel parses them).
std::vector<std::string> cmdline_words() {
  std::string line = read_whole("/proc/cmdline");
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (c == ' ' || c == '\n' || c == '\t')) {
      if (any) words.push_back(std::move(word));
      word.clear();
      any = false;
    } else {
      word.push_back(c);
      any = true;
    }
  }
  if (any) words.push_back(std::move(word));
  return words;
}

std::string module_name(std::string_view path) {
  std::string name(path.substr(path.rfind('/') + 1));
  name = name.substr(0, name.find(".ko"));
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

// "virtio_mmio.device=512@0xfeb00e00:12" on the command line becomes the parameter
// "device=512@0xfeb00e00:12" of virtio_mmio: the kernel leaves those to the loader.
std::string module_params(const std::string& name, const std::vector<std::string>& words) {
  std::string params;
  for (const auto& w : words) {
    size_t dot = w.find('.');
    if (dot == std::string::npos || module_name(w.substr(0, dot)) != name) continue;
    if (!params.empty()) params.push_back(' ');
    params += w.substr(dot + 1);
  }
  return params;
}

void load_modules() {
  std::vector<std::string> words = cmdline_words();
  for (const auto& path : split_lines(read_whole("/runz/modules"))) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open module " + path);
    std::string params = module_params(module_name(path), words);
    if (::syscall(SYS_finit_module, fd, params.c_str(), 0) != 0 && errno != EEXIST)
      die("load module " + path);
    ::close(fd);
    ::unlink(path.c_str());  // the initramfs is RAM: give it back
  }
}

// The interface whose MAC is `mac` (the host gave the NIC the container interface's MAC).
std::string interface_with_mac(const std::string& mac) {
  DIR* d = ::opendir("/sys/class/net");
  if (!d) die("open /sys/class/net");
  std::string found;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    int fd = ::open(("/sys/class/net/" + std::string(e->d_name) + "/address").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[32];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n >= 17 && ::strncasecmp(buf, mac.c_str(), 17) == 0) found = e->d_name;
  }
  ::closedir(d);
  return found;
}

sockaddr ipv4_sockaddr(uint32_t host_order) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(host_order);
  sockaddr out;
  std::memcpy(&out, &in, sizeof in);
  return out;
}

void set_link_up(int sock, const char* name) {
  ifreq req{};
  std::strncpy(req.ifr_name, name, IFNAMSIZ - 1);
  if (::ioctl(sock, SIOCGIFFLAGS, &req) != 0) die(std::string("flags of ") + name);
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
  if (::ioctl(sock, SIOCSIFFLAGS, &req) != 0) die(std::string("bring ") + name + " up");
}

// The NIC of "runz.net=MAC,ADDRESS/PREFIX,GATEWAY,MTU" on the kernel command line: its
// address, MTU and the default route; lo comes up either way. The NIC appears once
// virtio_net probed it; give that a moment.
void configure_network() {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) die("socket");
  set_link_up(sock, "lo");
  std::string prefix = std::string(runz::backends::vm::kGuestNetParam) + "=";
  std::string value;
  for (const auto& w : cmdline_words())
    if (w.starts_with(prefix)) value = w.substr(prefix.size());
  if (value.empty()) {
    ::close(sock);
    return;
  }
  auto net = runz::backends::vm::decode_guest_net_param(value);
  if (!net) {
    say(net.error().message);
    report_exit(kSetupFailure);
  }
  std::string name;
  for (int attempt = 0; (name = interface_with_mac(net->mac)).empty(); ++attempt) {
    if (attempt == 200) die("no network interface with MAC " + net->mac, ENODEV);
    timespec ms10{0, 10 * 1000 * 1000};
    ::nanosleep(&ms10, nullptr);
  }
  uint32_t address = 0, gateway = 0;
  runz::backends::vm::parse_ipv4(net->address, address);
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  req.ifr_addr = ipv4_sockaddr(address);
  if (::ioctl(sock, SIOCSIFADDR, &req) != 0) die("set the address of " + name);
  req.ifr_netmask = ipv4_sockaddr(runz::backends::vm::ipv4_netmask(net->prefix));
  if (::ioctl(sock, SIOCSIFNETMASK, &req) != 0) die("set the netmask of " + name);
  req.ifr_mtu = static_cast<int>(net->mtu);
  if (::ioctl(sock, SIOCSIFMTU, &req) != 0) die("set the MTU of " + name);
  set_link_up(sock, name.c_str());
  if (!net->gateway.empty() && runz::backends::vm::parse_ipv4(net->gateway, gateway)) {
    rtentry route{};
    route.rt_dst = ipv4_sockaddr(0);
    route.rt_genmask = ipv4_sockaddr(0);
    route.rt_gateway = ipv4_sockaddr(gateway);
    route.rt_flags = RTF_UP | RTF_GATEWAY;
    if (::ioctl(sock, SIOCADDRT, &route) != 0) die("add the default route via " + net->gateway);
  }
  ::close(sock);
}

// The 9p channel appears when virtio_mmio probes the device; give it a moment if the
// probe has not finished yet.
void mount_rootfs() {
  if (::mkdir(kNewRoot, 0755) != 0 && errno != EEXIST) die(std::string("mkdir ") + kNewRoot);
  for (int attempt = 0;; ++attempt) {
    if (::mount(kRootTag, kNewRoot, "9p", 0, k9pOptions) == 0) return;
    if (errno != ENOENT || attempt == 200) die("mount 9p rootfs (tag rootfs)");
    timespec ms10{0, 10 * 1000 * 1000};
    ::nanosleep(&ms10, nullptr);
  }
}

void mount_guest_filesystems() {
  std::string root = kNewRoot;
  mount_fs("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  mount_fs("sysfs", root + "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  mount_fs("devtmpfs", root + "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  mount_fs("devpts", root + "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
           "gid=5,mode=0620,ptmxmode=0666");
  mount_fs("shm", root + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  mount_fs("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
}

// MS_MOVE the new root over the initramfs and chroot into it (switch_root without the
// recursive delete: load_modules and main already removed the big files).
void switch_root() {
  for (const char* m : {"/proc", "/sys", "/dev"}) ::umount2(m, MNT_DETACH);
  must(::chdir(kNewRoot), "chdir new root");
  must(::mount(".", "/", nullptr, MS_MOVE, nullptr), "move new root to /");
  must(::chroot("."), "chroot new root");
  must(::chdir("/"), "chdir /");
}

// Without a terminal the console carries the process's bytes unchanged: no echo of stdin
// into stdout, no "\n" -> "\r\n", no signals from ^C.
void set_console_mode(bool terminal) {
  termios t{};
  if (::tcgetattr(STDIN_FILENO, &t) != 0) return;  // not a tty: nothing to set
  if (!terminal) ::cfmakeraw(&t);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

// /dev/console cannot be a controlling terminal: a terminal process gets the device behind
// it (ttyS0 on the serial console), the last name of /sys/class/tty/console/active.
void take_console_as_controlling_tty() {
  int fd = ::open("/sys/class/tty/console/active", O_RDONLY | O_CLOEXEC);
  char buf[256];
  ssize_t n = fd < 0 ? -1 : ::read(fd, buf, sizeof buf - 1);
  if (fd >= 0) ::close(fd);
  if (n <= 0) die("read /sys/class/tty/console/active");
  std::string active(buf, static_cast<size_t>(n));
  while (!active.empty() && (active.back() == '\n' || active.back() == ' ')) active.pop_back();
  std::string tty = "/dev/" + active.substr(active.rfind(' ') + 1);
  int tty_fd = ::open(tty.c_str(), O_RDWR);
  if (tty_fd < 0) die("open " + tty);
  for (int i = 0; i < 3; ++i) ::dup2(tty_fd, i);
  if (tty_fd > 2) ::close(tty_fd);
  if (::ioctl(STDIN_FILENO, TIOCSCTTY, 1) != 0) die("make " + tty + " the controlling tty");
}

[[noreturn]] void exec_process(const GuestProcess& p) {
  ::setsid();
  if (p.terminal) take_console_as_controlling_tty();
  auto fail = [](const std::string& what, int code) {
    say(what + ": " + std::strerror(errno));
    ::_exit(code);
  };
  if (::setgroups(p.additional_gids.size(), p.additional_gids.data()) != 0) fail("setgroups", 127);
  if (::setgid(p.gid) != 0) fail("setgid", 127);
  if (::setuid(p.uid) != 0) fail("setuid", 127);
  ::umask(p.umask.value_or(022));
  if (::chdir(p.cwd.c_str()) != 0) fail("chdir " + p.cwd, 127);

  std::vector<char*> argv, envp;
  for (const auto& a : p.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : p.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  // execvp searches the PATH of environ, which is now the process's own.
  environ = envp.data();
  ::execvp(argv[0], argv.data());
  fail("exec " + p.args[0], errno == ENOENT ? 127 : 126);
  __builtin_unreachable();
}

int exit_status_of(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return kSetupFailure;
}

// The input devices that report the power button (the ACPI button the host presses when
// the container is asked to stop).
std::vector<int> open_power_buttons() {
  constexpr size_t kBits = 8 * sizeof(unsigned long);
  std::vector<int> fds;
  DIR* dir = ::opendir("/dev/input");
  if (!dir) return fds;
  while (dirent* e = ::readdir(dir)) {
    if (std::strncmp(e->d_name, "event", 5) != 0) continue;
    int fd = ::open(("/dev/input/" + std::string(e->d_name)).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) continue;
    unsigned long keys[KEY_MAX / kBits + 1] = {};
    bool power = ::ioctl(fd, EVIOCGBIT(EV_KEY, sizeof keys), keys) >= 0 &&
                 ((keys[KEY_POWER / kBits] >> (KEY_POWER % kBits)) & 1);
    if (power) fds.push_back(fd);
    else ::close(fd);
  }
  ::closedir(dir);
  return fds;
}

bool power_pressed(int fd) {
  input_event ev;
  bool pressed = false;
  while (::read(fd, &ev, sizeof ev) == static_cast<ssize_t>(sizeof ev))
    if (ev.type == EV_KEY && ev.code == KEY_POWER && ev.value == 1) pressed = true;
  return pressed;
}

// Run the process and reap every child until it ends; then end what it left behind. A press
// of the power button (the container's stop signal, through ACPI) becomes SIGTERM to the
// process, as `docker stop` does to a process container.
int run_and_reap(const GuestProcess& p) {
  std::vector<int> buttons = open_power_buttons();
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, &old);
  int children = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (children < 0) die("signalfd");
  pid_t main_pid = ::fork();
  if (main_pid < 0) die("fork");
  if (main_pid == 0) {
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    exec_process(p);
  }
  std::vector<pollfd> fds{{children, POLLIN, 0}};
  for (int b : buttons) fds.push_back({b, POLLIN, 0});
  int status = kSetupFailure;
  for (bool running = true; running;) {
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    for (size_t i = 1; i < fds.size(); ++i)
      if ((fds[i].revents & POLLIN) && power_pressed(fds[i].fd)) ::kill(main_pid, SIGTERM);
    signalfd_siginfo info;
    while (::read(children, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    }
    int wstatus = 0;
    for (pid_t pid; (pid = ::waitpid(-1, &wstatus, WNOHANG)) > 0;)
      if (pid == main_pid) {
        status = exit_status_of(wstatus);
        running = false;
      }
  }
  ::kill(-1, SIGKILL);
  while (::wait(nullptr) > 0 || errno == EINTR) {
  }
  return status;
}

}  // namespace

int main() {
  if (::getpid() != 1) {
    say("must run as PID 1 of a guest");
    return kSetupFailure;
  }
  // The kernel opened /dev/console of the initramfs as fds 0-2; the archive has the node.
  if (::mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") != 0 && errno != EBUSY)
    die("mount /dev");
  if (::fcntl(STDERR_FILENO, F_GETFD) < 0) {
    int fd = ::open("/dev/console", O_RDWR);
    for (int i = 0; i < 3; ++i) ::dup2(fd, i);
  }
  mount_fs("proc", "/proc", "proc", 0, nullptr);
  mount_fs("sysfs", "/sys", "sysfs", 0, nullptr);

  std::string encoded = read_whole("/runz/process");
  auto process = runz::backends::vm::decode_guest_process(encoded);
  if (!process) {
    say("/runz/process: " + process.error().message);
    report_exit(kSetupFailure);
  }
  load_modules();
  configure_network();
  ::unlink("/init");
  mount_rootfs();
  open_status_channel();
  mount_guest_filesystems();
  switch_root();
  if (!process->hostname.empty() &&
      ::sethostname(process->hostname.data(), process->hostname.size()) != 0)
    die("sethostname");
  set_console_mode(process->terminal);
  report_exit(run_and_reap(*process));
}
