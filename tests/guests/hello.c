/* hello: prints one line with its command line, then exits with the code `exit=N` asks
 * for. The runtime's tests check both the console output and the exit status. */
#include "guest.h"

void guest_main(const char *cmdline)
{
    serial_puts("hello from a runz guest: ");
    serial_puts(cmdline);
    serial_puts("\n");
    guest_exit(cmdline_exit_code(cmdline, 0));
}
