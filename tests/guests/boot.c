/* boot.c: turns each boot protocol's info struct into the command line for guest_main. */
#include "guest.h"

/* Xen's struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h), the part
 * we read. ebx points at it on PVH entry. */
struct hvm_start_info {
    u32 magic; /* 0x336ec578, "xEn3" */
    u32 version;
    u32 flags;
    u32 nr_modules;
    u64 modlist_paddr;
    u64 cmdline_paddr; /* 0 when there is none */
    u64 rsdp_paddr;
};
#define HVM_START_MAGIC 0x336ec578u

/* Multiboot(1) information structure, the part we read; ebx points at it. */
struct multiboot_info {
    u32 flags;
    u32 mem_lower, mem_upper;
    u32 boot_device;
    u32 cmdline; /* valid when flags has MB_INFO_CMDLINE */
};
#define MB_BOOTLOADER_MAGIC 0x2badb002u
#define MB_INFO_CMDLINE (1u << 2)

/* With paging off only the low 4 GiB are addressable; a loader putting the command line
 * higher (none does) gets it ignored rather than truncated to a wrong address. */
static const char *low_pointer(u64 paddr)
{
    return (paddr && paddr >> 32 == 0) ? (const char *)(u32)paddr : "";
}

void boot_pvh(const struct hvm_start_info *si)
{
    const char *cmdline = "";
    if (si && si->magic == HVM_START_MAGIC) cmdline = low_pointer(si->cmdline_paddr);
    guest_main(cmdline);
    guest_exit(0);
}

/* GRUB and QEMU both start the multiboot command line with the kernel's own path; dropping
 * that word gives guest_main what PVH gives it: only what the user appended. */
static const char *skip_first_word(const char *s)
{
    while (*s && *s != ' ') s++;
    while (*s == ' ') s++;
    return s;
}

void boot_multiboot(u32 magic, const struct multiboot_info *mbi)
{
    const char *cmdline = "";
    if (magic == MB_BOOTLOADER_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
        cmdline = skip_first_word(low_pointer(mbi->cmdline));
    guest_main(cmdline);
    guest_exit(0);
}
