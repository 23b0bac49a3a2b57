/* crash: says so, then triple-faults (an empty IDT and a breakpoint: the #BP cannot be
 * delivered, nor can the #DF that follows), which resets the machine; under -no-reboot the
 * VMM stops and runz must report a failure, not a clean exit. */
#include "guest.h"

void guest_main(const char *cmdline)
{
    (void)cmdline;
    static const struct __attribute__((packed)) { unsigned short limit; unsigned int base; } empty_idt = {0, 0};
    serial_puts("crashing\n");
    __asm__ volatile("lidt %0\n\tint3" : : "m"(empty_idt));
    halt_forever();
}
