/* echo: copies every byte from COM1 back to COM1 (stdin to stdout of the container) and
 * exits with 0 on 'q' or ^D, so tests can drive it through a pipe or a terminal. */
#include "guest.h"

#define EOT 0x04

void guest_main(const char *cmdline)
{
    (void)cmdline;
    serial_rx_irq_init();
    for (;;) {
        u8 c = serial_getc();
        if (c == 'q' || c == EOT) guest_exit(0);
        serial_putc((char)c);
    }
}
