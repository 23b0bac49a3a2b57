#include "backends/vm/newc_archive.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace runz::backends::vm {
namespace {

void put_hex(std::string& out, uint32_t value) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08X", value);
  out.append(buf, 8);
}

void pad4(std::string& out) { out.append((4 - out.size() % 4) % 4, '\0'); }

}  // namespace

void NewcArchive::add(std::string_view name, const Entry& e, std::string_view data) {
  // A trailer's fields are all zero but its name size; real entries get their own inode.
  bool trailer = name == "TRAILER!!!";
  out_.append("070701");
  put_hex(out_, trailer ? 0 : next_ino_++);         // c_ino
  put_hex(out_, e.mode);                             // c_mode
  put_hex(out_, 0);                                  // c_uid
  put_hex(out_, 0);                                  // c_gid
  put_hex(out_, trailer ? 1 : S_ISDIR(e.mode) ? 2 : 1);  // c_nlink
  put_hex(out_, 0);                                  // c_mtime
  put_hex(out_, static_cast<uint32_t>(data.size()));  // c_filesize
  put_hex(out_, 0);                                  // c_devmajor
  put_hex(out_, 0);                                  // c_devminor
  put_hex(out_, e.rdev_major);                       // c_rdevmajor
  put_hex(out_, e.rdev_minor);                       // c_rdevminor
  put_hex(out_, static_cast<uint32_t>(name.size() + 1));  // c_namesize, with the NUL
  put_hex(out_, 0);                                  // c_check (only for "070702")
  out_.append(name);
  out_.push_back('\0');
  pad4(out_);
  out_.append(data);
  pad4(out_);
}

void NewcArchive::add_directory(std::string_view name, mode_t perms) {
  add(name, Entry{S_IFDIR | (perms & 07777)}, {});
}

void NewcArchive::add_file(std::string_view name, std::string_view data, mode_t perms) {
  add(name, Entry{S_IFREG | (perms & 07777)}, data);
}

void NewcArchive::add_char_device(std::string_view name, uint32_t major, uint32_t minor,
                                  mode_t perms) {
  add(name, Entry{S_IFCHR | (perms & 07777), major, minor}, {});
}

std::string NewcArchive::finish() {
  add("TRAILER!!!", Entry{}, {});
  std::string done = std::move(out_);
  out_.clear();
  next_ino_ = 1;
  return done;
}

}  // namespace runz::backends::vm
