/* multiboot_entry.S: multiboot(1) boot entry.
 *
 * The loader (QEMU's multiboot option ROM on -M pc, GRUB elsewhere) finds the header in
 * the first 8 KiB of the image, loads the ELF segments and jumps to the ELF entry in 32-bit
 * protected mode with eax = 0x2badb002 and ebx = the multiboot information structure. */

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0              /* no module alignment, no memory map, no a.out kludge: ELF */

    .section .multiboot, "a"
    .p2align 2
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS) /* checksum: the three words sum to 0 */

    .text
    .code32
    .globl mb_start
mb_start:
    cli
    cld
    movl $stack_top, %esp
    pushl %ebx                   /* boot_multiboot(magic, const struct multiboot_info *) */
    pushl %eax
    call boot_multiboot
1:  hlt
    jmp 1b

    .bss
    .p2align 4
    .space 8192
stack_top:

    .section .note.GNU-stack, "", @progbits
