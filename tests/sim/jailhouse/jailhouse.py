#!/usr/bin/python3
"""A test double of the `jailhouse` command line tool, its driver and its sysfs tree.

  jailhouse.py --root DIR --init --cpus 0-3 [--hv-mem 0x3a000000:0x600000] [--arch x86]
               [--layout upstream|omnivisor] [--root-name RootCell] [--disabled]
  jailhouse.py --root DIR <jailhouse arguments...>

The rules are those of siemens/jailhouse (tools/jailhouse.c, driver/cell.c,
hypervisor/control.c) as summarised in shared/reference/partitioning.md; see
tests/sim/README.md for the sysfs tree, the state file, fault injection and what is only
approximated. Python 3 standard library only."""

import errno
import fcntl
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import cell_format  # noqa: E402

PAGE = 0x1000
LOAD_FLAGS = cell_format.MEM_WRITE | cell_format.MEM_LOADABLE
MARKER_SCAN = 4096  # bytes of each image searched for EXIT=/DELAY=/PRINT= markers
DEFAULT_EXIT_DELAY_MS = 200
IOCTL_NAMES = {
    "enable": "JAILHOUSE_ENABLE", "disable": "JAILHOUSE_DISABLE",
    "create": "JAILHOUSE_CELL_CREATE", "load": "JAILHOUSE_CELL_LOAD",
    "shutdown": "JAILHOUSE_CELL_LOAD",  # the tool shuts a cell down by loading no image
    "start": "JAILHOUSE_CELL_START", "destroy": "JAILHOUSE_CELL_DESTROY",
}


class Fail(Exception):
    """An ioctl failure: printed like perror(), exit 1."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Usage(Exception):
    pass


# ---------------------------------------------------------------- paths, lock, state

class Sim:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.priv = os.path.join(self.root, ".jailhouse-sim")
        self.state_path = os.path.join(self.priv, "state.json")
        self.sysfs = os.path.join(self.root, "sys/devices/jailhouse")
        self.inject = os.path.join(self.root, "inject")
        self.state = None
        self._lock_fd = None

    def initialized(self):
        return os.path.exists(self.state_path)

    def __enter__(self):
        self._lock_fd = os.open(os.path.join(self.priv, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        with open(self.state_path) as f:
            self.state = json.load(f)
        return self

    def __exit__(self, *exc):
        os.close(self._lock_fd)
        self._lock_fd = None

    def save(self):
        write_atomic(self.state_path, json.dumps(self.state, indent=1, sort_keys=True))
        self.render_sysfs()

    # The sysfs tree is rewritten from the state after every change, each file atomically,
    # so a reader (runz) never sees a half-written value.
    def render_sysfs(self):
        st = self.state
        os.makedirs(os.path.join(self.sysfs, "cells"), exist_ok=True)
        write_atomic(os.path.join(self.sysfs, "enabled"), "%d\n" % (1 if st["enabled"] else 0))
        pool = st["hv_mem"][1] // PAGE
        write_atomic(os.path.join(self.sysfs, "mem_pool_size"), "%d\n" % pool)
        used = (64 + 16 * len(st["cells"])) if st["enabled"] else 0
        write_atomic(os.path.join(self.sysfs, "mem_pool_used"), "%d\n" % min(used, pool))
        console = os.path.join(self.sysfs, "console")
        if not os.path.exists(console):
            write_atomic(console, "")
        nbits = max(st["cpus"]) + 1
        cells_dir = os.path.join(self.sysfs, "cells")
        for cid, cell in st["cells"].items():
            d = os.path.join(cells_dir, cid)
            os.makedirs(d, exist_ok=True)
            files = {
                "name": cell["name"] + "\n",
                "state": cell["state"] + "\n",
                "cpus_assigned": cpu_mask(cell["cpus"], nbits) + "\n",
                "cpus_assigned_list": cpu_list(cell["cpus"]) + "\n",
                "cpus_failed": cpu_mask(cell["cpus_failed"], nbits) + "\n",
                "cpus_failed_list": cpu_list(cell["cpus_failed"]) + "\n",
            }
            for name, text in files.items():
                path = os.path.join(d, name)
                if not os.path.exists(path) or read_text(path) != text:
                    write_atomic(path, text)
        for cid in os.listdir(cells_dir):
            if cid not in st["cells"]:
                remove_tree(os.path.join(cells_dir, cid))

    def console_append(self, text):
        with open(os.path.join(self.sysfs, "console"), "a") as f:
            f.write(text)

    # One-shot failure of the next `command` (inject/fail-<command> holds an errno name).
    def injected_failure(self, command):
        path = os.path.join(self.inject, "fail-" + command)
        try:
            text = read_text(path).strip()
        except FileNotFoundError:
            return None
        os.unlink(path)
        return parse_errno(text or "EIO")


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def read_text(path):
    with open(path) as f:
        return f.read()


def remove_tree(path):
    for dirpath, dirnames, filenames in os.walk(path, topdown=False):
        for name in filenames:
            os.unlink(os.path.join(dirpath, name))
        for name in dirnames:
            os.rmdir(os.path.join(dirpath, name))
    os.rmdir(path)


def parse_errno(text):
    if text.isdigit():
        return int(text)
    code = getattr(errno, text.upper(), None)
    if not isinstance(code, int):
        raise SystemExit("jailhouse-sim: unknown errno %r in an inject file" % text)
    return code


# ---------------------------------------------------------------- formats

def cpu_list(cpus):
    """'0,2-3' like sysfs *_list files."""
    out, cpus = [], sorted(cpus)
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out)


def cpu_mask(cpus, nbits):
    """Linux's bitmap format: hex in 32-bit chunks separated by commas, the first chunk as
    wide as the bits left over ('f' for 4 CPUs, '00000001,ffffffff' for 33)."""
    value = 0
    for cpu in cpus:
        value |= 1 << cpu
    chunks = []
    bits = nbits
    while bits > 0:
        width = bits % 32 or 32
        chunks.append(value >> (bits - width) & ((1 << width) - 1))
        chunks[-1] = "%0*x" % ((width + 3) // 4, chunks[-1])
        bits -= width
    return ",".join(chunks)


def parse_cpu_list(text):
    cpus = set()
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def c_strtoll(text):
    """strtoll(text, &end, 0) requiring the whole string: None when it is not a number."""
    m = re.fullmatch(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", text)
    if not m:
        return None
    digits = m.group(2)
    if digits[:2].lower() == "0x":
        value = int(digits, 16)
    elif digits.startswith("0"):
        value = int(digits, 8)
    else:
        value = int(digits)
    return -value if m.group(1) == "-" else value


# ---------------------------------------------------------------- init

def init(args):
    sim = Sim(args.root)
    os.makedirs(sim.priv, exist_ok=True)
    os.makedirs(sim.inject, exist_ok=True)
    if os.path.isdir(sim.sysfs):
        remove_tree(sim.sysfs)
    os.makedirs(os.path.join(sim.sysfs, "cells"))
    cpus = sorted(parse_cpu_list(args.cpus))
    start, _, size = args.hv_mem.partition(":")
    state = {
        "arch": args.arch, "layout": args.layout, "cpus": cpus,
        "hv_mem": [int(start, 0), int(size, 0)], "root_name": args.root_name,
        "enabled": False, "cells": {},
    }
    write_atomic(sim.state_path, json.dumps(state))
    with sim:
        if not args.disabled:
            enable_hypervisor(sim)
        sim.save()


def enable_hypervisor(sim):
    st = sim.state
    st["enabled"] = True
    st["cells"] = {"0": new_cell(st["root_name"], st["cpus"], [], "running")}
    sim.console_append("Initializing Jailhouse hypervisor on CPU %d\n" % st["cpus"][0])


def new_cell(name, cpus, regions, state):
    return {"name": name, "cpus": sorted(cpus), "cpus_failed": [], "state": state,
            "regions": regions, "images": [], "generation": 0}


# ---------------------------------------------------------------- commands

def find_cell(st, ident):
    """Like the driver's cell_management_prologue: EINVAL when disabled, ENOENT unknown."""
    if not st["enabled"]:
        raise Fail(errno.EINVAL)
    kind, value = ident
    for cid, cell in st["cells"].items():
        if (kind == "id" and int(cid) == value) or (kind == "name" and cell["name"] == value):
            return cid, cell
    raise Fail(errno.ENOENT)


def non_root(st, ident):
    cid, cell = find_cell(st, ident)
    if cid == "0":
        raise Fail(errno.EINVAL)
    return cid, cell


def cmd_enable(sim, sysconfig):
    data = read_input(sysconfig)
    with sim:
        check_injected(sim, "enable")
        if sim.state["enabled"]:
            raise Fail(errno.EBUSY)
        if data[:5] != b"JHSYS":
            raise Fail(errno.EINVAL)
        enable_hypervisor(sim)
        sim.save()


def cmd_disable(sim):
    with sim:
        check_injected(sim, "disable")
        st = sim.state
        if not st["enabled"]:
            raise Fail(errno.EINVAL)
        for cid in [c for c in st["cells"] if c != "0"]:
            destroy_cell(sim, cid)
        st["enabled"] = False
        st["cells"] = {}
        sim.console_append("Shutting down hypervisor\n")
        sim.save()


def cmd_create(sim, path):
    data = read_input(path)
    with sim:
        check_injected(sim, "create")
        st = sim.state
        layout = st["layout"]
        try:
            header = cell_format.parse_header(data, layout)
        except cell_format.CellFormatError:
            raise Fail(errno.EINVAL)  # short file or "Not a cell configuration"
        if not st["enabled"]:
            raise Fail(errno.EINVAL)
        if any(c["name"] == header["name"] for c in st["cells"].values()):
            raise Fail(errno.EEXIST)
        try:
            cell = cell_format.decode(data, layout)
        except cell_format.CellFormatError:
            raise Fail(errno.EINVAL)
        root = st["cells"]["0"]
        if not cell["cpus"] <= set(root["cpus"]):
            raise Fail(errno.EBUSY)
        if st["arch"] == "x86" and 0 in cell["cpus"]:
            raise Fail(errno.EINVAL)
        if cell["revision"] != cell_format.REVISION:
            raise Fail(errno.EINVAL)
        for r in cell["memory_regions"]:
            unaligned = (r["phys_start"] | r["virt_start"] | r["size"]) & (PAGE - 1)
            if unaligned and not r["flags"] & cell_format.MEM_IO:
                raise Fail(errno.EINVAL)
        cid = 0
        while str(cid) in st["cells"]:
            cid += 1
        root["cpus"] = sorted(set(root["cpus"]) - cell["cpus"])
        st["cells"][str(cid)] = new_cell(header["name"], cell["cpus"], cell["memory_regions"], "shut down")
        sim.console_append('Created cell "%s"\n' % header["name"])
        sim.save()


def cmd_load(sim, ident, images):
    loaded = [(read_input(src) if kind == "file" else src.encode() + b"\0", kind, addr)
              for kind, src, addr in images]
    with sim:
        check_injected(sim, "load")
        cid, cell = non_root(sim.state, ident)
        park(sim, cell)
        try:
            for data, kind, addr in loaded:
                load_image(cell, data, kind, addr)
        finally:
            sim.save()


def park(sim, cell):
    cell["state"] = "shut down"
    cell["cpus_failed"] = []
    cell["generation"] += 1  # cancels pending timers of the previous run
    sim.console_append('Cell "%s" can be loaded\n' % cell["name"])


def load_image(cell, data, kind, addr):
    """The driver's load_image: the region containing the target address (by virt_start)
    must hold the whole image and be WRITE|LOADABLE."""
    if not data:
        return
    for r in cell["regions"]:
        if r["virt_start"] <= addr < r["virt_start"] + r["size"]:
            offset = addr - r["virt_start"]
            if len(data) > r["size"] - offset or r["flags"] & LOAD_FLAGS != LOAD_FLAGS:
                raise Fail(errno.EINVAL)
            break
    else:
        raise Fail(errno.EINVAL)
    cell["images"].append({"kind": kind, "address": addr, "size": len(data),
                           "head": data[:MARKER_SCAN].decode("latin-1")})


def cmd_shutdown(sim, ident):
    with sim:
        check_injected(sim, "shutdown")
        _, cell = non_root(sim.state, ident)
        park(sim, cell)
        sim.save()


def cmd_start(sim, ident):
    with sim:
        check_injected(sim, "start")
        cid, cell = non_root(sim.state, ident)
        cell["state"] = "running"
        cell["cpus_failed"] = []
        cell["generation"] += 1
        sim.console_append('Started cell "%s"\n' % cell["name"])
        sim.console_append(workload_output(cell))
        timers = workload_timers(sim, cell)
        sim.save()
    for delay_ms, state, note in timers:
        spawn_timer(sim, cid, cell["generation"], delay_ms, state, note)


def workload_output(cell):
    """What the 'workload' prints when it starts: the first line of the first -s string
    loaded (or 'started'), then every PRINT=text marker of the images, each line prefixed
    with 'cell NAME: '."""
    strings = [img["head"].rstrip("\0") for img in cell["images"] if img["kind"] == "string"]
    first = strings[0].splitlines()[0] if strings and strings[0] else "started"
    lines = [first]
    for img in cell["images"]:
        lines += re.findall(r"PRINT=([^\r\n\0]*)", img["head"])
    return "".join("cell %s: %s\n" % (cell["name"], line) for line in lines)


def workload_timers(sim, cell):
    """(delay ms, new state, console note) for the cell's end: EXIT=N in an image ends it
    after DELAY=ms (default 200): N=0 'shut down', else 'failed'; inject/fail-cell-NAME
    (content: delay in ms, default 0) makes it 'failed'."""
    timers = []
    heads = "".join(img["head"] for img in cell["images"])
    m = re.search(r"EXIT=(\d+)", heads)
    if m:
        d = re.search(r"DELAY=(\d+)", heads)
        delay = int(d.group(1)) if d else DEFAULT_EXIT_DELAY_MS
        status = int(m.group(1))
        timers.append((delay, "shut down" if status == 0 else "failed", "exit %d" % status))
    inject = os.path.join(sim.inject, "fail-cell-" + cell["name"])
    if os.path.exists(inject):
        text = read_text(inject).strip()
        timers.append((int(text) if text else 0, "failed", "failed (injected)"))
    return timers


def spawn_timer(sim, cid, generation, delay_ms, state, note):
    """A double-forked process that moves the cell to `state` after the delay, unless the
    cell was parked, restarted or destroyed in between (generation changed)."""
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # hold none of the caller's pipes open
        time.sleep(delay_ms / 1000.0)
        with sim:
            cell = sim.state["cells"].get(cid)
            if cell and cell["generation"] == generation and cell["state"] == "running":
                cell["state"] = state
                if state == "failed":
                    cell["cpus_failed"] = list(cell["cpus"])
                sim.console_append("cell %s: %s\n" % (cell["name"], note))
                sim.save()
    finally:
        os._exit(0)


def cmd_destroy(sim, ident):
    with sim:
        check_injected(sim, "destroy")
        cid, _ = non_root(sim.state, ident)
        destroy_cell(sim, cid)
        sim.save()


def destroy_cell(sim, cid):
    st = sim.state
    cell = st["cells"].pop(cid)
    root = st["cells"]["0"]
    root["cpus"] = sorted(set(root["cpus"]) | set(cell["cpus"]))
    sim.console_append('Closing cell "%s"\n' % cell["name"])


def cmd_list(sim):
    with sim:
        cells = sorted(sim.state["cells"].items(), key=lambda kv: int(kv[0]))
    fmt = "%-8s%-24s%-18s%-24s%-24s"
    if cells:
        print(fmt % ("ID", "Name", "State", "Assigned CPUs", "Failed CPUs"))
    for cid, cell in cells:
        print(fmt % (cid, cell["name"], cell["state"], cpu_list(cell["cpus"]), cpu_list(cell["cpus_failed"])))


def cmd_console(sim, follow):
    path = os.path.join(sim.sysfs, "console")
    with open(path, "rb") as f:
        while True:
            chunk = f.read()
            if chunk:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            elif not follow:
                return
            else:
                time.sleep(0.05)


def check_injected(sim, command):
    code = sim.injected_failure(command)
    if code is not None:
        raise Fail(code)


def read_input(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        print("opening %s: %s" % (path, os.strerror(e.errno)), file=sys.stderr)
        sys.exit(1)


# ---------------------------------------------------------------- the command line

def usage(exit_status):
    print("Usage: jailhouse { COMMAND | --help | --version }\n\n"
          "Available commands:\n"
          "   enable SYSCONFIG\n"
          "   disable\n"
          "   console [-f | --follow]\n"
          "   cell create CELLCONFIG\n"
          "   cell list\n"
          "   cell load { ID | [--name] NAME } { IMAGE | { -s | --string } \"STRING\" }\n"
          "             [-a | --address ADDRESS] ...\n"
          "   cell start { ID | [--name] NAME }\n"
          "   cell shutdown { ID | [--name] NAME }\n"
          "   cell destroy { ID | [--name] NAME }")
    sys.exit(exit_status)


def parse_cell_id(argv):
    """(('id', n) | ('name', s), arguments used), as tools/jailhouse.c parses a cell."""
    if not argv:
        raise Usage()
    if argv[0] == "--name":
        if len(argv) < 2:
            raise Usage()
        return ("name", argv[1][:31]), 2
    n = c_strtoll(argv[0])
    if n is None or n < 0:
        return ("name", argv[0][:31]), 1
    return ("id", n), 1


def parse_images(argv):
    images = []
    i = 0
    while i < len(argv):
        if argv[i] in ("-s", "--string"):
            if i + 1 >= len(argv):
                raise Usage()
            kind, src = "string", argv[i + 1]
            i += 2
        else:
            kind, src = "file", argv[i]
            i += 1
        addr = 0
        if i < len(argv) and argv[i] in ("-a", "--address"):
            if i + 1 >= len(argv):
                raise Usage()
            addr = c_strtoll(argv[i + 1])
            if addr is None:
                raise Usage()
            addr &= (1 << 64) - 1
            i += 2
        images.append((kind, src, addr))
    return images


def run(sim, argv):
    """Dispatch one jailhouse command; returns the ioctl's command name for perror."""
    if not argv:
        raise Usage()
    cmd = argv[0]
    if cmd == "--help":
        usage(0)
    if cmd == "--version":
        print("Jailhouse management tool (runz simulator)")
        return
    if cmd == "enable" and len(argv) == 2:
        return "enable", lambda: cmd_enable(sim, argv[1])
    if cmd == "disable" and len(argv) == 1:
        return "disable", lambda: cmd_disable(sim)
    if cmd == "console" and len(argv) <= 2:
        follow = len(argv) == 2 and argv[1] in ("-f", "--follow")
        if len(argv) == 2 and not follow:
            raise Usage()
        return "console", lambda: cmd_console(sim, follow)
    if cmd != "cell" or len(argv) < 2:
        raise Usage()
    sub, rest = argv[1], argv[2:]
    if sub == "create" and len(rest) == 1:
        return "create", lambda: cmd_create(sim, rest[0])
    if sub == "list" and not rest:
        return "list", lambda: cmd_list(sim)
    if sub in ("load", "start", "shutdown", "destroy"):
        ident, used = parse_cell_id(rest)
        rest = rest[used:]
        if sub == "load":
            if not rest:
                raise Usage()
            images = parse_images(rest)
            return "load", lambda: cmd_load(sim, ident, images)
        if rest:
            raise Usage()
        action = {"start": cmd_start, "shutdown": cmd_shutdown, "destroy": cmd_destroy}[sub]
        return sub, lambda: action(sim, ident)
    raise Usage()


def main(argv):
    if len(argv) < 2 or argv[0] != "--root":
        print("usage: jailhouse.py --root DIR { --init ... | JAILHOUSE-ARGS }", file=sys.stderr)
        return 2
    root, argv = argv[1], argv[2:]
    if argv and argv[0] == "--init":
        import argparse
        p = argparse.ArgumentParser(prog="jailhouse.py --root DIR --init")
        p.add_argument("--cpus", required=True)
        p.add_argument("--hv-mem", default="0x3a000000:0x600000")
        p.add_argument("--arch", default="x86", choices=sorted(cell_format.ARCHES))
        p.add_argument("--layout", default="upstream", choices=["upstream", "omnivisor"])
        p.add_argument("--root-name", default="RootCell")
        p.add_argument("--disabled", action="store_true")
        args = p.parse_args(argv[1:])
        args.root = root
        init(args)
        return 0
    sim = Sim(root)
    try:
        parsed = run(sim, argv)
    except Usage:
        usage(1)
    if parsed is None:
        return 0
    command, action = parsed
    if not sim.initialized():
        print("opening /dev/jailhouse: No such file or directory", file=sys.stderr)
        return 1
    try:
        action()
    except Fail as e:
        print("%s: %s" % (IOCTL_NAMES.get(command, command), os.strerror(e.code)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
