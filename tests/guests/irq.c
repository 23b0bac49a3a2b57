/* irq.c: the COM1 receive interrupt, so a guest waiting for input sleeps in hlt instead of
 * polling the UART (polling costs the host a whole core under TCG).
 *
 * Route: UART IRQ 4 -> IO-APIC pin 4 -> local APIC -> IDT vector.  The IO-APIC exists on
 * both microvm (which may have no 8259 PIC) and pc, so it is the one path that works on
 * both; the PIC, if any, is masked so its timer cannot arrive at a vector we do not handle. */
#include "guest.h"

#define COM1 0x3f8
#define UART_IER (COM1 + 1)
#define UART_MCR (COM1 + 4)
#define IER_RX_AVAILABLE 0x01
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on real PC hardware */

#define LAPIC_BASE 0xfee00000u
#define LAPIC_TPR 0x80
#define LAPIC_SVR 0xf0
#define LAPIC_SVR_ENABLE 0x100
#define SPURIOUS_VECTOR 0xff

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define UART_PIN 4
#define UART_VECTOR 0x24 /* above the 32 CPU exception vectors */

#define CODE_SEL 0x08
#define DATA_SEL 0x10

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static void lapic_write(u32 reg, u32 v) { *(volatile u32 *)(LAPIC_BASE + reg) = v; }
static void ioapic_write(u32 reg, u32 v)
{
    *(volatile u32 *)IOAPIC_BASE = reg;           /* IOREGSEL */
    *(volatile u32 *)(IOAPIC_BASE + 0x10) = v;    /* IOWIN */
}

struct __attribute__((packed)) table_register {
    u16 limit;
    u32 base;
};

/* Flat 4 GiB code and data segments.  An interrupt reloads CS from the GDT, and neither
 * boot protocol promises that the loader's GDT stays valid, so we bring our own. */
static const u64 gdt[3] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};

struct idt_gate {
    u16 offset_low, selector;
    u8 zero, type; /* 0x8e: present, ring 0, 32-bit interrupt gate */
    u16 offset_high;
};
static struct idt_gate idt[256];

/* irq_wait.S: acknowledges and resumes wait_for_interrupt; the wakeup is the point, the
 * reader looks at the UART itself. */
void irq_entry(void);

static void load_gdt(void)
{
    static const struct table_register gdtr = {sizeof gdt - 1, (u32)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\tmov %2, %%eax\n\t"
                     "mov %%eax, %%ds\n\tmov %%eax, %%es\n\tmov %%eax, %%ss\n\t"
                     "mov %%eax, %%fs\n\tmov %%eax, %%gs"
                     : : "m"(gdtr), "i"(CODE_SEL), "i"(DATA_SEL) : "eax", "memory");
}

/* Vectors 0-31 stay absent: a CPU exception then ends in a triple fault, which QEMU with
 * -no-reboot turns into an exit the runtime can see, instead of a handler looping. */
static void load_idt(void)
{
    u32 handler = (u32)irq_entry;
    for (int v = 32; v < 256; v++)
        idt[v] = (struct idt_gate){(u16)handler, CODE_SEL, 0, 0x8e, (u16)(handler >> 16)};
    static struct table_register idtr;
    idtr = (struct table_register){sizeof idt - 1, (u32)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void serial_rx_irq_init(void)
{
    __asm__ volatile("cli");
    load_gdt();
    load_idt();
    outb(0x21, 0xff); /* mask both 8259s; no-ops when the machine has none */
    outb(0xa1, 0xff);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | SPURIOUS_VECTOR);
    /* edge-triggered, active high, fixed delivery to APIC id 0 (the only CPU) */
    ioapic_write(IOAPIC_REDTBL(UART_PIN) + 1, 0);
    ioapic_write(IOAPIC_REDTBL(UART_PIN), UART_VECTOR);
    outb(UART_MCR, MCR_DTR_RTS_OUT2);
    outb(UART_IER, IER_RX_AVAILABLE);
}
