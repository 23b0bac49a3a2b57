/* pvh_entry.S: PVH boot entry.
 *
 * A loader that finds the XEN_ELFNOTE_PHYS32_ENTRY note (QEMU -kernel, via qboot on
 * microvm or SeaBIOS on pc) jumps to its address in 32-bit protected mode, paging off,
 * flat segments, with ebx = physical address of struct hvm_start_info.  There is no
 * stack, so we set one up before calling C. */

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The note lives in its own allocated section so the linker script can put it in a
 * PT_NOTE program header: QEMU only looks for it there. */
    .section .note.Xen, "a", @note
    .p2align 2
    .long 2f - 1f               /* namesz */
    .long 4f - 3f               /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
1:  .asciz "Xen"
2:  .p2align 2
3:  .long pvh_start             /* 32 bits: QEMU reads a 4-byte entry from an ELF32 note */
4:  .p2align 2

    .text
    .code32
    .globl pvh_start
pvh_start:
    cli
    cld                          /* the C ABI assumes DF clear; the protocol does not promise it */
    movl $stack_top, %esp
    pushl %ebx                   /* boot_pvh(const struct hvm_start_info *) */
    call boot_pvh
1:  hlt                          /* boot_pvh does not return; be safe if it ever does */
    jmp 1b

    .bss
    .p2align 4
    .space 8192
stack_top:

    .section .note.GNU-stack, "", @progbits
