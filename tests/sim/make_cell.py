#!/usr/bin/python3
"""Write a binary Jailhouse cell config for tests (test-only; runz writes its own in C++).

  make_cell.py --demo [--layout omnivisor --rcpus 1] -o demo.cell    the golden demo cells
  make_cell.py --name NAME --cpus 2,3 --mem PHYS:VIRT:SIZE:FLAGS [--mem ...] [--comm]
               [--arch x86|arm|arm64] [--layout upstream|omnivisor] [--revision N]
               [--signature STR] [--truncate N] -o FILE

FLAGS: a number or names joined by '|': read write exec dma io comm loadable rootshared.
--comm adds the usual comm region (virt 0x80000000, 4 KiB). --revision/--signature/--truncate
write broken files for the simulator's error paths."""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "jailhouse"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import cell_format  # noqa: E402


def parse_int(text):
    return int(text, 0)


def parse_flags(text):
    try:
        return int(text, 0)
    except ValueError:
        flags = 0
        for name in text.lower().split("|"):
            if name not in cell_format.MEM_FLAG_NAMES:
                raise argparse.ArgumentTypeError("unknown memory flag %r" % name)
            flags |= cell_format.MEM_FLAG_NAMES[name]
        return flags


def parse_region(text):
    parts = text.split(":")
    if len(parts) != 4:
        raise argparse.ArgumentTypeError("--mem wants PHYS:VIRT:SIZE:FLAGS, got %r" % text)
    return {"phys_start": parse_int(parts[0]), "virt_start": parse_int(parts[1]),
            "size": parse_int(parts[2]), "flags": parse_flags(parts[3])}


def parse_cpus(text):
    cpus = set()
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--demo", action="store_true")
    p.add_argument("--name")
    p.add_argument("--cpus", type=parse_cpus, default=set())
    p.add_argument("--rcpus", type=parse_cpus, default=set())
    p.add_argument("--mem", type=parse_region, action="append", default=[])
    p.add_argument("--comm", action="store_true")
    p.add_argument("--arch", default="x86", choices=sorted(cell_format.ARCHES))
    p.add_argument("--layout", default="upstream", choices=["upstream", "omnivisor"])
    p.add_argument("--flags", type=parse_int, default=0)
    p.add_argument("--revision", type=int)
    p.add_argument("--signature")
    p.add_argument("--truncate", type=int)
    p.add_argument("--hex", action="store_true", help="print the golden hex form instead")
    p.add_argument("-o", "--output")
    a = p.parse_args()

    if a.demo:
        cell = cell_format.demo_cell()
        cell["rcpus"] = a.rcpus
    else:
        if not a.name:
            p.error("--name is required (or --demo)")
        regions = list(a.mem)
        if a.comm:
            regions.append({"phys_start": 0, "virt_start": 0x80000000, "size": 0x1000,
                            "flags": cell_format.MEM_READ | cell_format.MEM_WRITE | cell_format.MEM_COMM_REGION})
        cell = {"name": a.name, "cpus": a.cpus, "rcpus": a.rcpus, "memory_regions": regions,
                "architecture": a.arch, "flags": a.flags}
    data = bytearray(cell_format.encode(cell, a.layout))
    if a.revision is not None:
        struct.pack_into("<H", data, 6, a.revision)
    if a.signature is not None:
        data[0:5] = a.signature.encode()[:5].ljust(5, b"\0")
    if a.truncate is not None:
        del data[a.truncate:]
    if a.hex:
        out = cell_format.to_hex(bytes(data)).encode()
    else:
        out = bytes(data)
    if a.output:
        with open(a.output, "wb") as f:
            f.write(out)
    else:
        sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
