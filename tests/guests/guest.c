/* guest.c: serial console, exit and command-line parsing shared by all guests. */
#include "guest.h"

#define COM1 0x3f8
#define LSR (COM1 + 5)       /* line status register */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define DEBUG_EXIT_PORT 0xf4 /* QEMU -device isa-debug-exit,iobase=0xf4 */

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port)
{
    u8 v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* QEMU's 16550 needs no baud/line setup, and skipping it saves trapped port writes; waiting
 * for THR-empty keeps the guest correct on a UART that does pace its output. */
void serial_putc(char c)
{
    while (!(inb(LSR) & LSR_THR_EMPTY)) {}
    outb(COM1, (u8)c);
}

void serial_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') serial_putc('\r'); /* a raw serial terminal wants CR LF */
        serial_putc(*s);
    }
}

/* Interrupts stay off here: wait_for_interrupt enables them only for its hlt, so a byte
 * that arrives between the check and the hlt still wakes it. */
u8 serial_getc(void)
{
    while (!(inb(LSR) & LSR_DATA_READY)) wait_for_interrupt();
    return inb(COM1);
}

void halt_forever(void)
{
    for (;;) __asm__ volatile("cli; hlt");
}

void guest_exit(u8 code)
{
    outb(DEBUG_EXIT_PORT, code);
    /* Still here: QEMU was started without isa-debug-exit.  Park the CPU rather than
     * return into nothing; the runtime then sees a guest that never exits. */
    halt_forever();
}

/* "exit=" must start a word, so "noexit=5" is not taken for it. */
u8 cmdline_exit_code(const char *s, u8 fallback)
{
    for (const char *p = s; *p; p++) {
        if (p != s && p[-1] != ' ') continue;
        if (p[0] != 'e' || p[1] != 'x' || p[2] != 'i' || p[3] != 't' || p[4] != '=') continue;
        unsigned v = 0;
        const char *d = p + 5;
        if (*d < '0' || *d > '9') return fallback;
        for (; *d >= '0' && *d <= '9' && v <= 127; d++) v = v * 10 + (unsigned)(*d - '0');
        /* isa-debug-exit status is 8 bits: (v << 1) | 1 only round-trips for v <= 127 */
        return v <= 127 ? (u8)v : fallback;
    }
    return fallback;
}
