// An uncompressed cpio archive in the "newc" format (magic 070701), the format the Linux
// kernel unpacks as an initramfs. Each entry: a 110-byte ASCII header of 13 eight-digit
// hex fields, the NUL-terminated name padded to a multiple of 4 (counting the header), the
// data padded to a multiple of 4; the archive ends with the entry "TRAILER!!!".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace runz::backends::vm {

class NewcArchive {
 public:
  // Names are relative ("runz/process"); parents must be added before their children.
  void add_directory(std::string_view name, mode_t perms = 0755);
  void add_file(std::string_view name, std::string_view data, mode_t perms = 0644);
  void add_char_device(std::string_view name, uint32_t major, uint32_t minor, mode_t perms);
  // The archive with its trailer; the archive is empty again afterwards.
  std::string finish();

 private:
  struct Entry {
    uint32_t mode = 0;  // file type and permission bits
    uint32_t rdev_major = 0, rdev_minor = 0;
  };
  void add(std::string_view name, const Entry& entry, std::string_view data);
  std::string out_;
  uint32_t next_ino_ = 1;
};

}  // namespace runz::backends::vm
