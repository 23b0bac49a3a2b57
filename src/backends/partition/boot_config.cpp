#include "backends/partition/boot_config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <climits>
#include <nlohmann/json.hpp>

#include "linux/safe_path.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::partition {

namespace {

using json = nlohmann::json;

// The name runPHI documents first, then the one its code reads.
constexpr std::array<const char*, 2> kConfigNames = {"boot/configuration.json", "boot/config.json"};
constexpr const char* kDefaultInmate = "/boot/boot.bin";

Result<Fd> open_rootfs(const std::string& rootfs) {
  TRY(Fd fd, open_fd(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC));
  return fd;
}

// The open boot config and the name it was found under; no fd when the image has none.
struct FoundConfig {
  Fd fd;
  std::string name;
};

Result<FoundConfig> find_config(int rootfd) {
  for (const char* name : kConfigNames) {
    auto fd = linux::open_in_root(rootfd, std::string("/") + name, O_RDONLY);
    if (fd) return FoundConfig{std::move(*fd), name};
    if (fd.error().code != ENOENT) return fail(std::move(fd.error()));
  }
  return FoundConfig{};
}

// Reads the fields of one boot config; every error names the file and the field.
class FieldReader {
 public:
  FieldReader(const json& doc, std::string source, int rootfd)
      : doc_(doc), source_(std::move(source)), rootfd_(rootfd) {}

  // A string field; "" when absent or empty (runPHI treats both alike).
  Result<std::string> text(std::string_view key) const {
    auto it = doc_.find(key);
    if (it == doc_.end() || it->is_null()) return std::string();
    if (!it->is_string()) return bad(key, "expected a string, got " + std::string(it->type_name()));
    return it->get<std::string>();
  }

  Result<bool> flag(std::string_view key) const {
    auto it = doc_.find(key);
    if (it == doc_.end() || it->is_null()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string() && (*it == "true" || *it == "false")) return *it == "true";
    return bad(key, "expected true or false, got " + it->dump());
  }

  Result<std::optional<uint64_t>> address(std::string_view key) const {
    TRY(std::string s, text(key));
    if (s.empty()) return std::optional<uint64_t>();
    std::string_view digits = trim(s);
    int base = 10;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
      digits.remove_prefix(2);
      base = 16;
    }
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      return bad(key, "\"" + s + "\" is not an address (like \"0x0\")");
    return std::optional<uint64_t>(v);
  }

  // A file inside the image; nullopt when the field is absent and there is no fallback.
  Result<std::optional<ImageFile>> file(std::string_view key, std::string fallback = {}) const {
    TRY(std::string path, text(key));
    if (path.empty()) path = std::move(fallback);
    if (path.empty()) return std::optional<ImageFile>();
    TRY(ImageFile f, resolve(key, path));
    return std::optional<ImageFile>(std::move(f));
  }

 private:
  Result<ImageFile> resolve(std::string_view key, const std::string& path) const {
    const std::string quoted = std::string(key) + " \"" + path + "\"";
    for (const auto& part : split(path, '/'))
      if (part == "..") return fail_user(source_ + ": " + quoted + ": \"..\" is not allowed in image paths");
    // RESOLVE_IN_ROOT: an absolute symlink or a ".." in a link stays inside the rootfs.
    auto fd = linux::open_in_root(rootfd_, path, O_PATH);
    if (!fd) {
      if (fd.error().code == ENOENT || fd.error().code == ENOTDIR)
        return fail_user(source_ + ": " + quoted + ": no such file in the image");
      return fail_user(source_ + ": " + quoted + ": " + fd.error().message);
    }
    struct stat st{};
    if (::fstat(fd->get(), &st) != 0) return fail_sys(source_ + ": " + quoted);
    if (!S_ISREG(st.st_mode)) return fail_user(source_ + ": " + quoted + ": not a regular file in the image");
    char buf[PATH_MAX];
    ssize_t n = ::readlink(linux::fd_path(fd->get()).c_str(), buf, sizeof buf);
    if (n < 0 || n == static_cast<ssize_t>(sizeof buf)) return fail_sys(source_ + ": " + quoted + ": resolve");
    return ImageFile{clean_path("/" + path), std::string(buf, static_cast<size_t>(n))};
  }

  std::unexpected<Error> bad(std::string_view key, const std::string& what) const {
    return fail_user(source_ + ": " + std::string(key) + ": " + what);
  }

  const json& doc_;
  std::string source_;
  int rootfd_;
};

Result<BootConfig> read_fields(const json& doc, const std::string& source, int rootfd) {
  FieldReader r(doc, source, rootfd);
  BootConfig c;
  c.source = source;
  TRY(auto inmate, r.file("inmate", kDefaultInmate));
  c.inmate = std::move(*inmate);
  TRY(c.kernel, r.file("kernel"));
  TRY(c.dtb, r.file("dtb"));
  TRY(c.initrd, r.file("initrd"));
  TRY(c.ramdisk, r.file("ramdisk"));
  TRY(c.cpio, r.file("cpio"));
  TRY(c.os_var, r.text("os_var"));
  TRY(c.starting_vaddress, r.address("starting_vaddress"));
  TRY(c.netconf, r.text("netconf"));
  TRY(c.net, r.text("net"));
  // runPHI's own demo images write "no"; the documented value is "none".
  c.ivshmem = !c.net.empty() && c.net != "none" && c.net != "no";
  TRY(c.rpu_req, r.flag("rpu_req"));
  return c;
}

}  // namespace

bool has_boot_config(const std::string& rootfs) {
  auto root = open_rootfs(rootfs);
  if (!root) return false;
  auto found = find_config(root->get());
  return found && found->fd.valid();
}

Result<BootConfig> load_boot_config(const std::string& rootfs) {
  TRY(Fd root, with_context(open_rootfs(rootfs), "rootfs"));
  TRY(FoundConfig found, find_config(root.get()));
  if (!found.fd) return fail_user("the image has no /boot/configuration.json (nor /boot/config.json)");
  TRY(std::string text, with_context(read_fd(found.fd.get()), found.name));
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return fail_user(found.name + ": not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!doc.is_object()) return fail_user(found.name + ": expected a JSON object");
  return read_fields(doc, found.name, root.get());
}

}  // namespace runz::backends::partition
