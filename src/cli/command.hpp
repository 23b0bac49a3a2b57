// The command line: runc-compatible global flags, then one verb with its own flags.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/runtime.hpp"
#include "util/result.hpp"

namespace runz::cli {

struct Flag {
  std::string name;        // long name without dashes
  std::string short_name;  // "" or one letter
  bool takes_value = false;
  std::string help;
};

struct Args {
  std::map<std::string, std::vector<std::string>> values;  // flag → values given
  std::vector<std::string> positional;
  bool has(const std::string& flag) const { return values.contains(flag); }
  std::string get(const std::string& flag, std::string fallback = "") const;
};

struct Context {
  core::GlobalOptions global;
};

struct Command {
  std::string name;
  std::string usage;        // "create [flags] <container-id>"
  std::string description;
  std::vector<Flag> flags;
  std::function<Result<int>(Context&, const Args&)> run;
  bool needs_sealed_binary = false;  // forks into a container: run from a sealed copy
};

// Parse flags up to the first positional argument ("--" ends flags too); accepts
// --flag value, --flag=value, -f value and -flag value.
Result<Args> parse_flags(const std::vector<std::string>& argv, size_t start, const std::vector<Flag>& flags,
                         size_t& end);
const std::vector<Command>& commands();
const Command* find_command(std::string_view name);
std::string command_help(const Command& c);
// Exactly n positional arguments, else a usage error.
Result<void> expect_args(const Command& c, const Args& a, size_t min, size_t max);

// One definition per verb, in cli/verb_<name>.cpp.
Command spec_command();
Command create_command();
Command start_command();
Command run_command();
Command exec_command();
Command state_command();
Command kill_command();
Command delete_command();
Command list_command();
Command pause_command();
Command resume_command();
Command ps_command();
Command events_command();
Command update_command();
Command features_command();
Command check_command();
Command checkpoint_command();
Command restore_command();

}  // namespace runz::cli
