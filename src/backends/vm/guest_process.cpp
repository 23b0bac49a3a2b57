#include "backends/vm/guest_process.hpp"

#include <charconv>

namespace runz::backends::vm {
namespace {

// A value ends at its first NUL, as it would in execve's C strings: a NUL inside a JSON
// string cannot split a record and forge another.
void put(std::string& out, std::string_view key, std::string_view value) {
  out.append(key);
  out.push_back('=');
  out.append(value.substr(0, value.find('\0')));
  out.push_back('\0');
}

Result<uint32_t> parse_number(std::string_view key, std::string_view text, int base) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return fail_user("guest process: bad " + std::string(key) + " \"" + std::string(text) + "\"");
  return value;
}

}  // namespace

std::string encode_guest_process(const GuestProcess& p) {
  std::string out(kGuestProcessMagic);
  out.push_back('\0');
  for (const auto& a : p.args) put(out, "arg", a);
  for (const auto& e : p.env) put(out, "env", e);
  put(out, "cwd", p.cwd);
  put(out, "uid", std::to_string(p.uid));
  put(out, "gid", std::to_string(p.gid));
  for (uint32_t g : p.additional_gids) put(out, "group", std::to_string(g));
  if (p.umask) {
    char buf[16];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *p.umask, 8);
    (void)ec;
    put(out, "umask", std::string_view(buf, end - buf));
  }
  if (!p.hostname.empty()) put(out, "hostname", p.hostname);
  put(out, "terminal", p.terminal ? "1" : "0");
  return out;
}

std::string encode_guest_process(const oci::Process& process, const std::string& hostname) {
  GuestProcess p;
  p.args = process.args;
  p.env = process.env;
  p.cwd = process.cwd.empty() ? "/" : process.cwd;
  p.uid = process.user.uid;
  p.gid = process.user.gid;
  p.additional_gids = process.user.additional_gids;
  p.umask = process.user.umask;
  p.hostname = hostname;
  p.terminal = process.terminal;
  return encode_guest_process(p);
}

Result<GuestProcess> decode_guest_process(std::string_view data) {
  GuestProcess p;
  bool first = true;
  while (!data.empty()) {
    size_t nul = data.find('\0');
    if (nul == std::string_view::npos) return fail_user("guest process: last record has no NUL");
    std::string_view record = data.substr(0, nul);
    data.remove_prefix(nul + 1);
    if (first) {
      if (record != kGuestProcessMagic)
        return fail_user("guest process: not a runz guest process file (bad magic)");
      first = false;
      continue;
    }
    size_t eq = record.find('=');
    if (eq == std::string_view::npos)
      return fail_user("guest process: record without '=': \"" + std::string(record) + "\"");
    std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    if (key == "arg") {
      p.args.emplace_back(value);
    } else if (key == "env") {
      p.env.emplace_back(value);
    } else if (key == "cwd") {
      p.cwd = value;
    } else if (key == "uid") {
      TRY(p.uid, parse_number(key, value, 10));
    } else if (key == "gid") {
      TRY(p.gid, parse_number(key, value, 10));
    } else if (key == "group") {
      TRY(uint32_t g, parse_number(key, value, 10));
      p.additional_gids.push_back(g);
    } else if (key == "umask") {
      TRY(p.umask, parse_number(key, value, 8));
    } else if (key == "hostname") {
      p.hostname = value;
    } else if (key == "terminal") {
      if (value != "0" && value != "1")
        return fail_user("guest process: bad terminal \"" + std::string(value) + "\"");
      p.terminal = value == "1";
    } else {
      return fail_user("guest process: unknown key \"" + std::string(key) + "\"");
    }
  }
  if (first) return fail_user("guest process: empty file");
  if (p.args.empty()) return fail_user("guest process: no args");
  if (p.cwd.empty() || p.cwd[0] != '/')
    return fail_user("guest process: cwd \"" + p.cwd + "\" is not absolute");
  return p;
}

}  // namespace runz::backends::vm
