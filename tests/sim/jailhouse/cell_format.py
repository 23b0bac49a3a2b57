"""The binary Jailhouse cell config (cell-config.h, revision 14), decoded and encoded in
Python for the simulator and make_cell.py. Written from the format description in
shared/reference/partitioning.md, independently of runz's C++ encoder, so the two check each
other (tests/sim/jailhouse/testdata holds a golden file both must produce).

Layouts: "upstream" (132-byte header, 32-byte memory regions) and "omnivisor" (140-byte
header with rcpu_set_size after cpu_set_size and num_qos_devices after num_stream_ids,
rcpu bitmap after the cpu bitmap, 40-byte memory regions ending in `colors`, 20-byte QoS
devices at the end)."""

import struct

SIGNATURE = b"JHCLL"
REVISION = 14
ARCHES = {"x86": 0, "arm": 1, "arm64": 2}

MEM_READ, MEM_WRITE, MEM_EXECUTE, MEM_DMA = 0x1, 0x2, 0x4, 0x8
MEM_IO, MEM_COMM_REGION, MEM_LOADABLE, MEM_ROOTSHARED = 0x10, 0x20, 0x40, 0x80
MEM_FLAG_NAMES = {
    "read": MEM_READ, "write": MEM_WRITE, "exec": MEM_EXECUTE, "execute": MEM_EXECUTE,
    "dma": MEM_DMA, "io": MEM_IO, "comm": MEM_COMM_REGION, "comm_region": MEM_COMM_REGION,
    "loadable": MEM_LOADABLE, "rootshared": MEM_ROOTSHARED, "no_hugepages": 0x100,
}

# Element sizes after the header.
CACHE, IRQCHIP, PIO, PCI_DEVICE, PCI_CAP, STREAM_ID, QOS_DEVICE = 12, 32, 4, 56, 8, 4, 20


class CellFormatError(Exception):
    pass


def header_size(layout):
    return 140 if layout == "omnivisor" else 132


def mem_size(layout):
    return 40 if layout == "omnivisor" else 32


# Header fields after signature/arch/revision/name/id/flags, in file order.
def _count_fields(layout):
    fields = ["cpu_set_size"]
    if layout == "omnivisor":
        fields.append("rcpu_set_size")
    fields += ["num_memory_regions", "num_cache_regions", "num_irqchips", "num_pio_regions",
               "num_pci_devices", "num_pci_caps", "num_stream_ids"]
    if layout == "omnivisor":
        fields.append("num_qos_devices")
    return fields


def parse_header(data, layout="upstream"):
    """The header as a dict; CellFormatError when the file is shorter than a header or has the
    wrong signature. The revision is returned, not checked (the hypervisor checks it later)."""
    if len(data) < header_size(layout):
        raise CellFormatError("short file: %d bytes" % len(data))
    if data[0:5] != SIGNATURE:
        raise CellFormatError("Not a cell configuration")
    h = {"architecture": data[5], "revision": struct.unpack_from("<H", data, 6)[0]}
    raw_name = data[8:40]
    h["name"] = raw_name[:31].split(b"\0", 1)[0].decode("latin-1")
    h["id"], h["flags"] = struct.unpack_from("<II", data, 40)
    off = 48
    for field in _count_fields(layout):
        h[field] = struct.unpack_from("<I", data, off)[0]
        off += 4
    h["vpci_irq_base"], h["cpu_reset_address"], h["msg_reply_timeout"] = struct.unpack_from("<IQQ", data, off)
    off += 20
    h["console"] = struct.unpack_from("<QIHHIIQ", data, off)
    h.setdefault("rcpu_set_size", 0)
    h.setdefault("num_qos_devices", 0)
    return h


def total_size(h, layout="upstream"):
    return (header_size(layout) + h["cpu_set_size"] + h["rcpu_set_size"]
            + h["num_memory_regions"] * mem_size(layout) + h["num_cache_regions"] * CACHE
            + h["num_irqchips"] * IRQCHIP + h["num_pio_regions"] * PIO
            + h["num_pci_devices"] * PCI_DEVICE + h["num_pci_caps"] * PCI_CAP
            + h["num_stream_ids"] * STREAM_ID + h["num_qos_devices"] * QOS_DEVICE)


def _bitmap_to_set(raw):
    return {i * 8 + bit for i, byte in enumerate(raw) for bit in range(8) if byte & (1 << bit)}


def _set_to_bitmap(cpus):
    longs = max(cpus) // 64 + 1 if cpus else 1
    raw = bytearray(longs * 8)
    for cpu in cpus:
        raw[cpu // 8] |= 1 << (cpu % 8)
    return bytes(raw)


def decode(data, layout="upstream"):
    """The whole cell: header fields plus cpus, rcpus and memory regions (other arrays are
    skipped over, counted but not kept). CellFormatError when the counts need more bytes
    than the file has."""
    h = parse_header(data, layout)
    need = total_size(h, layout)
    if need > len(data):
        raise CellFormatError("the header's counts need %d bytes, the file has %d" % (need, len(data)))
    off = header_size(layout)
    h["cpus"] = _bitmap_to_set(data[off:off + h["cpu_set_size"]])
    off += h["cpu_set_size"]
    h["rcpus"] = _bitmap_to_set(data[off:off + h["rcpu_set_size"]])
    off += h["rcpu_set_size"]
    regions = []
    for _ in range(h["num_memory_regions"]):
        phys, virt, size, flags = struct.unpack_from("<QQQQ", data, off)
        regions.append({"phys_start": phys, "virt_start": virt, "size": size, "flags": flags})
        off += mem_size(layout)
    h["memory_regions"] = regions
    return h


def encode(cell, layout="upstream"):
    """bytes of a cell given as a dict: name, architecture ("x86"...), flags, cpus, rcpus,
    memory_regions [{phys_start, virt_start, size, flags[, colors]}], irqchips
    [(address, id, pin_base, (b0, b1, b2, b3))], pio_regions [(base, length)], console
    (address, size, type, flags, divider, gate_nr, clock_reg), vpci_irq_base,
    cpu_reset_address, msg_reply_timeout. No cache regions, PCI devices, caps, stream ids or
    QoS devices: the simulator's tests do not need them."""
    omni = layout == "omnivisor"
    cpus = _set_to_bitmap(cell.get("cpus", set()))
    rcpus = _set_to_bitmap(cell.get("rcpus", set())) if omni else b""
    regions = cell.get("memory_regions", [])
    irqchips = cell.get("irqchips", [])
    pios = cell.get("pio_regions", [])
    name = cell["name"].encode("latin-1")[:31]
    out = bytearray()
    out += SIGNATURE + bytes([ARCHES[cell.get("architecture", "x86")]]) + struct.pack("<H", REVISION)
    out += name + b"\0" * (32 - len(name))
    out += struct.pack("<II", cell.get("id", 0), cell.get("flags", 0))
    counts = {"cpu_set_size": len(cpus), "rcpu_set_size": len(rcpus),
              "num_memory_regions": len(regions), "num_irqchips": len(irqchips),
              "num_pio_regions": len(pios)}
    for field in _count_fields(layout):
        out += struct.pack("<I", counts.get(field, 0))
    out += struct.pack("<IQQ", cell.get("vpci_irq_base", 0), cell.get("cpu_reset_address", 0),
                       cell.get("msg_reply_timeout", 0))
    out += struct.pack("<QIHHIIQ", *cell.get("console", (0, 0, 0, 0, 0, 0, 0)))
    assert len(out) == header_size(layout)
    out += cpus + rcpus
    for r in regions:
        out += struct.pack("<QQQQ", r["phys_start"], r["virt_start"], r["size"], r["flags"])
        if omni:
            out += struct.pack("<Q", r.get("colors", 0))
    for address, chip_id, pin_base, bitmap in irqchips:
        out += struct.pack("<QII4I", address, chip_id, pin_base, *bitmap)
    for base, length in pios:
        out += struct.pack("<HH", base, length)
    return bytes(out)


def demo_cell():
    """The golden demo cell (same as golden_demo_cell() in
    tests/unit/jailhouse_cell_config_test.cpp): testdata/demo-x86.cell.hex holds its bytes."""
    return {
        "name": "demo",
        "flags": 0x1,  # PASSIVE_COMMREG
        "architecture": "x86",
        "cpus": {2, 3},
        "memory_regions": [
            {"phys_start": 0x3a600000, "virt_start": 0, "size": 0x100000,
             "flags": MEM_READ | MEM_WRITE | MEM_EXECUTE | MEM_DMA | MEM_LOADABLE},
            {"phys_start": 0, "virt_start": 0x80000000, "size": 0x1000,
             "flags": MEM_READ | MEM_WRITE | MEM_COMM_REGION},
        ],
        "irqchips": [(0xfec00000, 0xff00, 0, (1 << 4, 0, 0, 0))],
        "pio_regions": [(0x3f8, 8)],
        "console": (0x3f8, 0, 0x0002, 0, 0, 0, 0),
    }


def to_hex(data):
    """32 bytes per line, lowercase, newline-terminated (the golden file's format)."""
    h = data.hex()
    return "".join(h[i:i + 64] + "\n" for i in range(0, len(h), 64))
