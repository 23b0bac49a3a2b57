/* spin: says it is up, then never exits, so tests can kill, pause and resume it.
 * hlt with interrupts off costs the host nothing under TCG. */
#include "guest.h"

void guest_main(const char *cmdline)
{
    (void)cmdline;
    serial_puts("spinning\n");
    halt_forever();
}
