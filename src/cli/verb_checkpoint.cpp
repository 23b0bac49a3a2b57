// checkpoint and restore exist so that clients probing `checkpoint --help` get an answer;
// CRIU cannot run on the hosts runz is tested on, so both fail with a clear message.
#include "cli/command.hpp"

namespace runz::cli {

static Command unsupported(std::string name, std::string what) {
  Command c{name, name + " [flags] <container-id>", what + " (not supported by this build: needs CRIU).",
            {{"image-path", "", true, "path for saving criu image files"},
             {"work-path", "", true, "path for saving work files and logs"},
             {"leave-running", "", false, "leave the process running after checkpointing"},
             {"tcp-established", "", false, "allow open tcp connections"},
             {"bundle", "b", true, "path to the root of the bundle directory"},
             {"detach", "d", false, "detach from the container's process"}},
            nullptr};
  c.run = [name](Context&, const Args&) -> Result<int> {
    return fail_user(name + " is not supported by runz: CRIU is not available");
  };
  return c;
}

Command checkpoint_command() { return unsupported("checkpoint", "Checkpoint a running container"); }
Command restore_command() { return unsupported("restore", "Restore a container from a checkpoint"); }

}  // namespace runz::cli
