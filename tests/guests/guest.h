/* guest.h: the little runtime every guest shares (serial console, exit, command line).
 *
 * The guests run in 32-bit protected mode with paging off, as both boot protocols leave
 * them (PVH and multiboot alike), so plain pointers are physical addresses. */
#ifndef RUNZ_GUEST_H
#define RUNZ_GUEST_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

/* The boot entry (pvh_entry.S or multiboot_entry.S, via boot.c) calls this with the
 * kernel command line ("" when the loader gave none). */
void guest_main(const char *cmdline);

void serial_putc(char c);
void serial_puts(const char *s);
/* Sets up the COM1 receive interrupt (irq.c); call once before serial_getc. */
void serial_rx_irq_init(void);
/* Sleeps in hlt until an interrupt; returns with interrupts off (irq_wait.S). */
void wait_for_interrupt(void);
/* Blocks in hlt until the UART has a byte. */
u8 serial_getc(void);

/* Ends the VM through isa-debug-exit: QEMU exits with status (code << 1) | 1. */
__attribute__((noreturn)) void guest_exit(u8 code);
/* Sleeps forever with interrupts off: what is left when there is no exit device. */
__attribute__((noreturn)) void halt_forever(void);

/* Value of `exit=N` in the command line (0..127), else `fallback`. */
u8 cmdline_exit_code(const char *cmdline, u8 fallback);

#endif
