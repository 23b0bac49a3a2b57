#!/usr/bin/python3
"""A test double of /sys/class/remoteproc as a FUSE file system, so writes fail with the
errno the kernel's remoteproc_sysfs.c gives (EINVAL, EBUSY, ENOENT).

  rprocfs.py MOUNTPOINT --firmware-dir DIR [--firmware-dir DIR2 ...] --rproc NAME[,NAME...]
             [--pidfile FILE] [--log FILE] [--foreground] [--accept-any-firmware]
             [--allow-other]

MOUNTPOINT/remoteprocN/{name,firmware,state,recovery,coredump} for each NAME (N from 0),
MOUNTPOINT/.inject/remoteprocN: write `crash` (a running processor crashes: state
`crashed`) or `reset` (back to `offline`, as after a reboot of the remote core).
Without --foreground it daemonizes once the mount is ready (and writes --pidfile).
Stop with `fusermount -u MOUNTPOINT` or SIGTERM to the pid. Needs python3-fusepy."""

import argparse
import errno
import os
import stat
import sys
import threading
import time

try:
    from fusepy import FUSE, FuseOSError, Operations  # Debian's python3-fusepy
except ImportError:  # pragma: no cover - pip's fusepy
    from fuse import FUSE, FuseOSError, Operations

COREDUMP_NAMES = {"default": "default", "enabled": "default", "inline": "inline", "disabled": "disabled"}


def sysfs_streq(buf, word):
    """The kernel's sysfs_streq: equal, allowing one trailing newline on the written side."""
    return buf == word or buf == word + "\n"


class Rproc:
    def __init__(self, name):
        self.name = name
        self.firmware = "rproc-%s-fw" % name
        self.state = "offline"
        self.power = 0  # rproc_boot/rproc_shutdown refcount
        self.recovery = "enabled"
        self.coredump = "default"


class RprocFS(Operations):
    def __init__(self, names, firmware_dirs, accept_any_firmware):
        self.rprocs = [Rproc(n) for n in names]
        self.firmware_dirs = firmware_dirs
        self.accept_any_firmware = accept_any_firmware
        self._mutex = threading.Lock()  # not `lock`: that name is a FUSE operation
        self.started = time.time()

    # ---- the tree

    def _split(self, path):
        """('root'|'inject'|'rproc'|'inject-file'|'attr', rproc, attribute) or ENOENT."""
        parts = [p for p in path.split("/") if p]
        if not parts:
            return "root", None, None
        if parts[0] == ".inject":
            if len(parts) == 1:
                return "inject", None, None
            if len(parts) == 2:
                return "inject-file", self._rproc(parts[1]), None
        elif len(parts) <= 2:
            rp = self._rproc(parts[0])
            if len(parts) == 1:
                return "rproc", rp, None
            if parts[1] in ("name", "firmware", "state", "recovery", "coredump"):
                return "attr", rp, parts[1]
        raise FuseOSError(errno.ENOENT)

    def _rproc(self, dirname):
        if dirname.startswith("remoteproc") and dirname[10:].isdigit():
            i = int(dirname[10:])
            if i < len(self.rprocs) and dirname == "remoteproc%d" % i:
                return self.rprocs[i]
        raise FuseOSError(errno.ENOENT)

    def getattr(self, path, fh=None):
        kind, _, attr = self._split(path)
        now = self.started
        base = {"st_uid": os.getuid(), "st_gid": os.getgid(), "st_atime": now, "st_mtime": now, "st_ctime": now}
        if kind in ("root", "inject", "rproc"):
            return dict(base, st_mode=stat.S_IFDIR | 0o755, st_nlink=2)
        mode = 0o444 if attr == "name" else (0o200 if kind == "inject-file" else 0o644)
        return dict(base, st_mode=stat.S_IFREG | mode, st_nlink=1, st_size=4096)

    def readdir(self, path, fh):
        kind, _, _ = self._split(path)
        if kind == "root":
            return [".", "..", ".inject"] + ["remoteproc%d" % i for i in range(len(self.rprocs))]
        if kind == "inject":
            return [".", ".."] + ["remoteproc%d" % i for i in range(len(self.rprocs))]
        if kind == "rproc":
            return [".", "..", "name", "firmware", "state", "recovery", "coredump"]
        raise FuseOSError(errno.ENOTDIR)

    def open(self, path, flags):
        kind, _, attr = self._split(path)
        if kind not in ("attr", "inject-file"):
            raise FuseOSError(errno.EISDIR)
        if attr == "name" and flags & (os.O_WRONLY | os.O_RDWR):
            raise FuseOSError(errno.EACCES)
        return 0

    def truncate(self, path, length, fh=None):
        self._split(path)  # sysfs ignores O_TRUNC; so do we

    def read(self, path, size, offset, fh):
        kind, rp, attr = self._split(path)
        if kind != "attr":
            return b""
        with self._mutex:
            text = {"name": rp.name, "firmware": rp.firmware, "state": rp.state,
                    "recovery": rp.recovery, "coredump": rp.coredump}[attr] + "\n"
        return text.encode()[offset:offset + size]

    def write(self, path, data, offset, fh):
        kind, rp, attr = self._split(path)
        buf = data.decode("latin-1")
        with self._mutex:
            if kind == "inject-file":
                self._inject(rp, buf.strip())
            elif attr == "state":
                self._state_store(rp, buf)
            elif attr == "firmware":
                self._firmware_store(rp, buf)
            elif attr == "recovery":
                self._recovery_store(rp, buf)
            elif attr == "coredump":
                self._coredump_store(rp, buf)
            else:
                raise FuseOSError(errno.EACCES)
        return len(data)

    # ---- the kernel's rules

    def _state_store(self, rp, buf):
        if sysfs_streq(buf, "start"):
            self._boot(rp)
        elif sysfs_streq(buf, "stop"):
            if rp.state not in ("running", "attached"):
                raise FuseOSError(errno.EINVAL)
            rp.power -= 1
            if rp.power == 0:
                rp.state = "offline"
        elif sysfs_streq(buf, "detach"):
            if rp.state != "attached":
                raise FuseOSError(errno.EINVAL)
            rp.state = "detached"
        else:
            raise FuseOSError(errno.EINVAL)

    def _boot(self, rp):
        """rproc_boot: refcounted; the first start loads the firmware (ENOENT when missing
        from every firmware directory, EINVAL when it is not an ELF image)."""
        if rp.state == "deleted":
            raise FuseOSError(errno.ENODEV)
        if rp.power > 0:
            rp.power += 1
            return
        image = self._find_firmware(rp.firmware)
        if image is None:
            raise FuseOSError(errno.ENOENT)
        if not self.accept_any_firmware:
            with open(image, "rb") as f:
                head = f.read(64)
            if len(head) < 52 or head[:4] != b"\x7fELF":
                raise FuseOSError(errno.EINVAL)
        rp.power = 1
        rp.state = "running"

    def _find_firmware(self, name):
        for d in self.firmware_dirs:
            path = os.path.join(d, name)
            if os.path.isfile(path):
                return path
        return None

    def _firmware_store(self, rp, buf):
        if rp.state != "offline":
            raise FuseOSError(errno.EBUSY)
        name = buf.split("\n", 1)[0]
        if not name:
            raise FuseOSError(errno.EINVAL)
        rp.firmware = name

    def _recovery_store(self, rp, buf):
        if sysfs_streq(buf, "enabled"):
            rp.recovery = "enabled"
        elif sysfs_streq(buf, "disabled"):
            rp.recovery = "disabled"
        elif sysfs_streq(buf, "recover"):
            if rp.state == "crashed":  # rproc_trigger_recovery: reboot with the same firmware
                rp.state = "running"
        else:
            raise FuseOSError(errno.EINVAL)

    def _coredump_store(self, rp, buf):
        if rp.state == "crashed":
            raise FuseOSError(errno.EBUSY)
        word = buf[:-1] if buf.endswith("\n") else buf
        if word not in COREDUMP_NAMES:
            raise FuseOSError(errno.EINVAL)
        rp.coredump = COREDUMP_NAMES[word]

    def _inject(self, rp, word):
        if word == "crash":
            if rp.state != "running":
                raise FuseOSError(errno.EINVAL)
            rp.state = "crashed"  # recovery is not simulated: a crashed processor stays crashed
        elif word == "reset":
            rp.state, rp.power = "offline", 0
        else:
            raise FuseOSError(errno.EINVAL)


def wait_for_mount(mountpoint, child, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.ismount(mountpoint) and os.path.isdir(os.path.join(mountpoint, ".inject")):
            return True
        pid, _ = os.waitpid(child, os.WNOHANG)
        if pid:
            return False
        time.sleep(0.02)
    return False


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mountpoint")
    p.add_argument("--firmware-dir", action="append", required=True)
    p.add_argument("--rproc", required=True, help="comma-separated names, remoteproc0 first")
    p.add_argument("--pidfile")
    p.add_argument("--foreground", action="store_true")
    p.add_argument("--accept-any-firmware", action="store_true", help="skip the ELF magic check")
    p.add_argument("--allow-other", action="store_true")
    p.add_argument("--log", help="stderr of the daemon (default /dev/null)")
    a = p.parse_args()
    names = [n for n in a.rproc.split(",") if n]
    fs = RprocFS(names, [os.path.abspath(d) for d in a.firmware_dir], a.accept_any_firmware)
    mountpoint = os.path.abspath(a.mountpoint)

    if not a.foreground:
        child = os.fork()
        if child:
            if wait_for_mount(mountpoint, child):
                return 0
            print("rprocfs: mounting %s failed" % mountpoint, file=sys.stderr)
            return 1
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        log = os.open(a.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if a.log else devnull
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(log, 2)  # never hold the caller's stderr open: test harnesses wait for its EOF
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    options = {"foreground": True, "direct_io": True, "fsname": "rprocfs", "attr_timeout": 0, "entry_timeout": 0}
    if a.allow_other:
        options["allow_other"] = True
    FUSE(fs, mountpoint, nothreads=False, **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
