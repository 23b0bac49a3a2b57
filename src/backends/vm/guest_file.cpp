#include "backends/vm/guest_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "backends/partition/boot_config.hpp"
#include "linux/safe_path.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {
namespace {

std::string path_of(const std::vector<std::string>& env) {
  for (auto& e : env)
    if (e.starts_with("PATH=")) return e.substr(5);
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

}  // namespace

Result<Fd> open_in_rootfs(const std::string& rootfs, const std::string& path) {
  TRY(Fd root, open_fd(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC));
  TRY(Fd fd, linux::open_in_root(root.get(), path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return fail_sys(path);
  if (!S_ISREG(st.st_mode)) return fail_user(path + " is not a regular file");
  return fd;
}

Result<GuestFile> open_guest_file(const std::string& rootfs, const oci::Process& process) {
  if (process.args.empty() || process.args[0].empty()) return fail_user("process.args is empty");
  const std::string& name = process.args[0];
  std::vector<std::string> candidates;
  if (name.find('/') != std::string::npos)
    candidates.push_back(name[0] == '/' ? name : path_join(process.cwd, name));
  else
    for (auto& dir : split(path_of(process.env), ':'))
      if (!dir.empty()) candidates.push_back(path_join(dir, name));
  for (auto& path : candidates) {
    auto fd = open_in_rootfs(rootfs, path);
    if (fd) return GuestFile{clean_path(path), std::move(*fd)};
    if (fd.error().code != ENOENT && fd.error().code != ENOTDIR)
      return fail_user("process.args[0] \"" + name + "\": " + fd.error().message);
  }
  return fail_user("process.args[0] \"" + name + "\": no such file in the container's rootfs");
}

Result<GuestSource> find_guest(const oci::Spec& spec, const std::string& rootfs, bool has_boot_config) {
  if (!spec.process) return fail_user("config.json has no process to run");
  auto file = open_guest_file(rootfs, *spec.process);
  Result<GuestImage> image = file ? inspect_guest_image_fd(file->fd.get(), file->in_root) : fail(file.error());
  if (image && image->format != GuestFormat::not_a_guest) return GuestSource{std::move(*file), std::move(*image)};
  if (has_boot_config) {
    TRY(auto boot, partition::load_boot_config(rootfs));
    std::string path = boot.kernel ? boot.kernel->image_path : boot.inmate.image_path;
    TRY(Fd fd, with_context(open_in_rootfs(rootfs, path), boot.source));
    TRY(GuestImage booted, inspect_guest_image_fd(fd.get(), path));
    if (booted.format == GuestFormat::not_a_guest)
      return fail_user(boot.source + ": " + path + " is not a kernel a VM can boot (" + booted.reason + ")");
    return GuestSource{GuestFile{path, std::move(fd)}, std::move(booted)};
  }
  if (!file) return fail(std::move(file.error()));
  if (!image) return fail(std::move(image.error()));
  return GuestSource{std::move(*file), std::move(*image)};
}

}  // namespace runz::backends::vm
