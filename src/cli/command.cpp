#include "cli/command.hpp"

namespace runz::cli {

std::string Args::get(const std::string& flag, std::string fallback) const {
  auto it = values.find(flag);
  if (it == values.end() || it->second.empty()) return fallback;
  return it->second.back();
}

static const Flag* match(const std::vector<Flag>& flags, std::string_view name) {
  for (auto& f : flags)
    if (f.name == name || (!f.short_name.empty() && f.short_name == name)) return &f;
  return nullptr;
}

Result<Args> parse_flags(const std::vector<std::string>& argv, size_t start, const std::vector<Flag>& flags,
                         size_t& end) {
  Args out;
  size_t i = start;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    std::string value;
    bool inline_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
      inline_value = true;
    }
    const Flag* f = match(flags, body);
    if (!f) return fail_user("flag provided but not defined: -" + body);
    if (f->takes_value && !inline_value) {
      if (i + 1 >= argv.size()) return fail_user("flag needs an argument: -" + body);
      value = argv[++i];
    }
    if (!f->takes_value && inline_value && value != "true" && value != "false")
      return fail_user("invalid boolean value \"" + value + "\" for -" + body);
    if (!f->takes_value && value == "false") {
      out.values.erase(f->name);
      continue;
    }
    out.values[f->name].push_back(value);
  }
  // Everything after the first positional is positional (so `exec ID cmd -x` keeps -x).
  for (; i < argv.size(); ++i) out.positional.push_back(argv[i]);
  end = argv.size();
  return out;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      create_command(), start_command(),  run_command(),      exec_command(),      state_command(),
      kill_command(),   delete_command(), list_command(),     pause_command(),     resume_command(),
      ps_command(),     events_command(), update_command(),   spec_command(),
      features_command(), check_command(), checkpoint_command(), restore_command(),
  };
  return all;
}

const Command* find_command(std::string_view name) {
  for (auto& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::string command_help(const Command& c) {
  std::string out = "Usage: runz " + c.usage + "\n\n" + c.description + "\n";
  if (!c.flags.empty()) out += "\nFlags:\n";
  for (auto& f : c.flags) {
    std::string left = "  --" + f.name;
    if (!f.short_name.empty()) left += ", -" + f.short_name;
    if (f.takes_value) left += " value";
    if (left.size() < 32) left.resize(32, ' ');
    out += left + " " + f.help + "\n";
  }
  out += "  --help, -h                     show this help\n";
  return out;
}

Result<void> expect_args(const Command& c, const Args& a, size_t min, size_t max) {
  if (a.positional.size() < min || a.positional.size() > max)
    return fail_user("\"" + c.name + "\" requires " + (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
                     " argument(s); usage: runz " + c.usage);
  return {};
}

}  // namespace runz::cli
