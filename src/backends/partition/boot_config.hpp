// runPHI's image convention: /boot/configuration.json (or /boot/config.json, the name
// runPHI's code reads) tells what to load into the cell. Every file it names lies inside
// the image and is resolved so that no ".." or symlink can lead out of the rootfs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/result.hpp"

namespace runz::backends::partition {

// A file the boot config names, found inside the image.
struct ImageFile {
  std::string image_path;  // as the image sees it, cleaned: "/boot/boot.bin"
  std::string host_path;   // where it really is on the host: no symlink, inside the rootfs
};

struct BootConfig {
  std::string source;  // the file read, relative to the rootfs: "boot/configuration.json"
  ImageFile inmate;    // the image loaded into the cell (default /boot/boot.bin)
  std::optional<ImageFile> kernel, dtb, initrd, ramdisk, cpio;
  std::string os_var;                         // "linux", "zephyr", ... ("" when absent)
  std::optional<uint64_t> starting_vaddress;  // load address of the inmate ("0x0")
  std::string netconf;                        // passed through as written
  std::string net;                            // as written ("" when absent)
  bool ivshmem = false;  // a network/comm region is wanted: `net` given and not "none"/"no"
  bool rpu_req = false;  // the image wants a remote processor
};

// Whether the rootfs carries a boot config under either name (for detection).
bool has_boot_config(const std::string& rootfs);

// Read and check the boot config of the image at `rootfs` (a host path). Errors name the
// file and the field: `boot/configuration.json: inmate "/boot/boot.bin": no such file in the image`.
Result<BootConfig> load_boot_config(const std::string& rootfs);

}  // namespace runz::backends::partition
