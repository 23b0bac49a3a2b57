// Test tool: write the initramfs a Linux guest boots with (runz-guest-init, the process
// to run, the 9p modules of a kernel), the same way the vm backend does.
// Usage: make_guest_initramfs --out FILE --init BIN --modules-dir DIR
//          [--env K=V]... [--cwd DIR] [--uid N] [--gid N] [--group N]... [--hostname H]
//          [--terminal] -- ARG...
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "backends/vm/guest_modules.hpp"
#include "backends/vm/guest_process.hpp"
#include "backends/vm/initramfs.hpp"

using namespace runz::backends::vm;

namespace {

[[noreturn]] void usage(std::string_view why) {
  std::fprintf(stderr, "make_guest_initramfs: %.*s\n", static_cast<int>(why.size()), why.data());
  std::exit(2);
}

uint32_t number(const char* s) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s, &end, 10);
  if (*s == '\0' || *end != '\0') usage(std::string("not a number: ") + s);
  return static_cast<uint32_t>(v);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out, modules_dir;
  InitramfsContent content;
  GuestProcess process;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--terminal") {
      process.terminal = true;
      continue;
    }
    if (i + 1 >= argc) usage(std::string(a) + " needs a value");
    const char* v = argv[++i];
    if (a == "--out") out = v;
    else if (a == "--init") content.init_binary = v;
    else if (a == "--modules-dir") modules_dir = v;
    else if (a == "--env") process.env.emplace_back(v);
    else if (a == "--cwd") process.cwd = v;
    else if (a == "--uid") process.uid = number(v);
    else if (a == "--gid") process.gid = number(v);
    else if (a == "--group") process.additional_gids.push_back(number(v));
    else if (a == "--hostname") process.hostname = v;
    else usage(std::string("unknown option ") + std::string(a));
  }
  for (; i < argc; ++i) process.args.emplace_back(argv[i]);
  if (out.empty() || content.init_binary.empty() || process.args.empty())
    usage("need --out, --init and a command after --");
  if (!modules_dir.empty()) {
    auto modules = find_guest_modules(modules_dir, kGuest9pModules);
    if (!modules) usage(modules.error().message);
    content.modules = std::move(*modules);
  }
  content.process = encode_guest_process(process);
  if (auto r = write_initramfs(out, content); !r) usage(r.error().message);
  for (const auto& m : content.modules) std::printf("module %s\n", m.c_str());
  return 0;
}
