#!/bin/bash
# Fetch Debian's generic amd64 guest kernel (not the cloud flavour: it has no 9p) into
# CACHE_DIR without installing it, and extract an uncompressed vmlinux (it has a PVH note
# and skips the ~2 s xz decompression under TCG).
# Usage: fetch_linux_kernel.sh [CACHE_DIR]   (default /var/cache/runz-tests/linux)
# Prints two lines:  kernel=<vmlinux path>  and  modules=<lib/modules/<ver> path>.
# Exit 77 (skip) with a reason when the package cannot be had.
set -euo pipefail
cache=${1:-/var/cache/runz-tests/linux}
skip() { echo "fetch_linux_kernel: skip: $*" >&2; exit 77; }

report() {
    echo "kernel=$cache/vmlinux"
    echo "modules=$(cat "$cache/modules_dir")"
}
# One fetch at a time per cache: parallel test runs wait for the first one.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ -s $cache/vmlinux && -s $cache/modules_dir && -d $(cat "$cache/modules_dir") ]]; then
    report
    exit 0
fi

command -v apt-get >/dev/null || skip "apt-get not found"
command -v dpkg-deb >/dev/null || skip "dpkg-deb not found"
command -v python3 >/dev/null || command -v xz >/dev/null || skip "need xz or python3 to unpack the kernel"

# linux-image-amd64 is a metapackage: it depends on the versioned image we want.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
[[ -n $pkg ]] || skip "apt-cache knows no linux-image-amd64 (run apt-get update?)"

work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$pkg" >/dev/null 2>"$work/apt.err") ||
    skip "apt-get download $pkg failed: $(tail -n1 "$work/apt.err")"
deb=$(ls "$work"/*.deb)
dpkg-deb -x "$deb" "$work/root"

vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
[[ -f $vmlinuz ]] || { echo "fetch_linux_kernel: no /boot/vmlinuz-* in $pkg" >&2; exit 1; }
ver=${vmlinuz##*/vmlinuz-}

# The bzImage holds the kernel as an xz stream: decompress from its magic to an ELF vmlinux
# (trailing bytes after the stream are ignored).
extract_vmlinux() {
    local in=$1 out=$2
    if command -v python3 >/dev/null; then
        python3 - "$in" "$out" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
magic = b'\xfd7zXZ\x00'
pos = data.find(magic)
while pos >= 0:
    try:
        out = lzma.LZMADecompressor().decompress(data[pos:])
        if out[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(out)
            sys.exit(0)
    except lzma.LZMAError:
        pass
    pos = data.find(magic, pos + 1)
sys.exit("no xz-compressed ELF kernel found in " + sys.argv[1])
PY
    else
        local off
        off=$(grep -abo $'\xfd7zXZ' "$in" | head -n1 | cut -d: -f1)
        [[ -n $off ]] || { echo "no xz magic in $in" >&2; return 1; }
        tail -c +$((off + 1)) "$in" | xz -dc 2>/dev/null >"$out" || [[ -s $out ]]
    fi
}
extract_vmlinux "$vmlinuz" "$work/vmlinux"

# Keep only what a guest needs: the vmlinux and the modules tree, without the hardware
# no microVM has (sound, GPUs, cameras, wireless and Ethernet NICs, USB, InfiniBand,
# sensors): about 270 of its 450 MB.
kmods=$work/root/lib/modules/$ver/kernel
rm -rf "$kmods/sound" "$kmods/drivers/"{gpu,media,infiniband,usb,iio,hwmon,bluetooth,staging,isdn} \
       "$kmods/drivers/net/"{wireless,ethernet,usb}
rm -rf "$cache/lib" "$cache/vmlinux" "$cache/modules_dir"
mkdir -p "$cache/lib/modules"
mv "$work/root/lib/modules/$ver" "$cache/lib/modules/$ver"
mv "$work/vmlinux" "$cache/vmlinux"
echo "$pkg $(dpkg-deb -f "$deb" Version)" >"$cache/package"
echo "$cache/lib/modules/$ver" >"$cache/modules_dir"
report
