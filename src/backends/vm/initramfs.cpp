#include "backends/vm/initramfs.hpp"

#include <set>

#include "backends/vm/newc_archive.hpp"
#include "util/fs.hpp"

namespace runz::backends::vm {

Result<std::string> build_initramfs(const InitramfsContent& content) {
  NewcArchive archive;
  TRY(std::string init, with_context(read_file(content.init_binary), "read guest init"));
  archive.add_file("init", init, 0755);
  archive.add_directory("dev");
  archive.add_char_device("dev/console", 5, 1, 0600);
  archive.add_directory("runz");
  archive.add_file("runz/process", content.process, 0600);
  archive.add_directory("runz/modules.d");
  std::string list;
  std::set<std::string> seen;
  for (const auto& host_path : content.modules) {
    std::string base = host_path.substr(host_path.rfind('/') + 1);
    if (!seen.insert(base).second)
      return fail_user("initramfs: two kernel modules named " + base);
    TRY(std::string ko, with_context(read_file(host_path), "read kernel module"));
    std::string name = "runz/modules.d/" + base;
    archive.add_file(name, ko, 0644);
    list += "/" + name + "\n";
  }
  archive.add_file("runz/modules", list, 0644);
  return archive.finish();
}

Result<void> write_initramfs(const std::string& out_path, const InitramfsContent& content) {
  TRY(std::string bytes, build_initramfs(content));
  return with_context(write_file_atomic(out_path, bytes, 0644), "write initramfs " + out_path);
}

}  // namespace runz::backends::vm
