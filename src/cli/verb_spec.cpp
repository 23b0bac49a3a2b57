#include <fcntl.h>
#include <unistd.h>

#include "cli/command.hpp"
#include "oci/default_spec.hpp"
#include "util/fs.hpp"

namespace runz::cli {

Command spec_command() {
  Command c{"spec", "spec [flags]", "Write a default config.json (as runc spec does).",
            {{"bundle", "b", true, "directory to write config.json to"},
             {"rootless", "", false, "a config for a container run by an unprivileged user"}},
            nullptr};
  c.run = [c](Context&, const Args& a) -> Result<int> {
    TRYV(expect_args(c, a, 0, 0));
    std::string path = path_join(a.get("bundle", "."), "config.json");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST) return fail_user("File " + path + " exists. Remove it first");
      return fail_sys("create " + path);
    }
    Fd owned(fd);
    TRYV(write_all(fd, oci::default_spec_json(a.has("rootless"), ::geteuid(), ::getegid())));
    return 0;
  };
  return c;
}

}  // namespace runz::cli
