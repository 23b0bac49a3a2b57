#include "linux/sealed_exe.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fd.hpp"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

namespace runz::linux {
namespace {
constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
}

bool running_from_sealed_copy() {
  Fd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) return false;
  int seals = ::fcntl(self.get(), F_GET_SEALS);
  return seals >= 0 && (seals & kSeals) == kSeals;
}

Result<void> reexec_from_sealed_copy(char** argv, char** envp) {
  Fd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) return fail_sys("open /proc/self/exe");
  struct stat st;
  if (::fstat(self.get(), &st) != 0) return fail_sys("stat /proc/self/exe");
  // MFD_EXEC keeps the copy executable where vm.memfd_noexec defaults to no-exec.
  int mfd = ::memfd_create("runz", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL) mfd = ::memfd_create("runz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0) return fail_sys("memfd_create");
  Fd copy(mfd);
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = ::sendfile(copy.get(), self.get(), &off, static_cast<size_t>(st.st_size - off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_sys("copy runz binary into memfd");
  }
  if (::fchmod(copy.get(), 0555) != 0) return fail_sys("chmod sealed copy");
  if (::fcntl(copy.get(), F_ADD_SEALS, kSeals) != 0) return fail_sys("seal runz binary copy");
  ::fexecve(copy.get(), argv, envp);
  return fail_sys("execute sealed runz copy");
}

}  // namespace runz::linux
