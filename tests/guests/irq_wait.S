/* irq_wait.S: sleep until an interrupt, without ever executing iret.
 *
 * kvm_pvm (HOST.md) cannot emulate a ring-0 iret ("KVM internal error ... emulation
 * failure"), and TCG does not need one either: interrupts are only ever enabled for the
 * sti;hlt below, so an interrupt always arrives at that hlt, and its handler can drop the
 * frame and resume here with interrupts off (the interrupt gate cleared IF). */

#define LAPIC_EOI 0xfee000b0

    .text
    .code32
    /* void wait_for_interrupt(void): returns with interrupts disabled */
    .globl wait_for_interrupt
wait_for_interrupt:
    sti                          /* takes effect after hlt starts: no lost wakeup */
    hlt
irq_resume:
    ret

    /* The IDT sends every external interrupt here (irq.c). No error code on these vectors:
     * the frame is eip, cs, eflags. An EOI with nothing in service (spurious) is ignored. */
    .globl irq_entry
irq_entry:
    addl $12, %esp
    movl $0, LAPIC_EOI
    jmp irq_resume

    .section .note.GNU-stack, "", @progbits
