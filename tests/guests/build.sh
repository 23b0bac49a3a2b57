#!/bin/bash
# build.sh OUTDIR: builds the test guests into OUTDIR (hello.elf, echo.elf, spin.elf, crash.elf,
# hello-mb.elf) with the host gcc/ld only. Idempotent; takes well under a second.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=$1
CC=${CC:-gcc}
LD=${LD:-ld}

command -v "$CC" >/dev/null || { echo "build.sh: C compiler '$CC' not found (apt-get install build-essential)" >&2; exit 1; }
command -v "$LD" >/dev/null || { echo "build.sh: linker '$LD' not found (apt-get install binutils)" >&2; exit 1; }
mkdir -p "$OUT"
OBJ=$(mktemp -d "${TMPDIR:-/tmp}/runz-guests.XXXXXX")
trap 'rm -rf "$OBJ"' EXIT

# 32-bit code: both boot protocols enter in 32-bit protected mode with paging off, and
# QEMU's multiboot loader refuses ELF64.  -mgeneral-regs-only: no SSE, it is not set up.
CFLAGS=(-m32 -march=i686 -Os -ffreestanding -fno-pic -fno-pie -fno-stack-protector
        -fno-asynchronous-unwind-tables -mgeneral-regs-only -nostdlib -nostdinc
        -Wall -Wextra -Werror -std=c11)

compile() { "$CC" "${CFLAGS[@]}" -c "$SRC/$1" -o "$OBJ/$2"; }
compile guest.c guest.o
compile boot.c boot.o
compile irq.c irq.o
compile irq_wait.S irq_wait.o
compile pvh_entry.S pvh_entry.o
compile multiboot_entry.S multiboot_entry.o
for g in hello echo spin crash; do compile "$g.c" "$g.o"; done

# link NAME ENTRY OBJS...: a temp name then rename, so OUTDIR never holds a half-written image
link() {
    local name=$1 entry=$2; shift 2
    "$LD" -m elf_i386 -T "$SRC/guest.ld" -e "$entry" --build-id=none -z noexecstack -z noseparate-code \
        -o "$OBJ/$name" "$@"
    mv -f "$OBJ/$name" "$OUT/$name"
}
for g in hello echo spin crash; do
    link "$g.elf" pvh_start "$OBJ/pvh_entry.o" "$OBJ/boot.o" "$OBJ/guest.o" "$OBJ/irq.o" "$OBJ/irq_wait.o" "$OBJ/$g.o"
done
link hello-mb.elf mb_start "$OBJ/multiboot_entry.o" "$OBJ/boot.o" "$OBJ/guest.o" "$OBJ/irq.o" "$OBJ/irq_wait.o" "$OBJ/hello.o"
