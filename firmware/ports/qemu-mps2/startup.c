// Start-up of the mps2-an385 board: the vector table, the reset handler
// (copy .data, clear .bss, enable the UART's RX interrupt, SysTick), and the
// fault handlers, which report the fault and leave QEMU with a status.
#include <stdint.h>
#include <string.h>

#include "board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

void Reset_Handler(void) __attribute__((naked, noreturn));
static void Default_Handler(void);
static void Fault_Handler(void);

// Cortex-M3 exceptions 1-15, then the external interrupts of the AN385
// (UART0 receive is IRQ 0, transmit IRQ 1).
__attribute__((section(".isr_vector"), used))
static const void *const vector_table[16 + BOARD_IRQ_COUNT] = {
    [0] = &_estack,
    [1] = Reset_Handler,
    [2] = Default_Handler, // NMI
    [3] = Fault_Handler, // HardFault
    [4] = Fault_Handler, // MemManage
    [5] = Fault_Handler, // BusFault
    [6] = Fault_Handler, // UsageFault
    [11] = Default_Handler, // SVCall
    [14] = Default_Handler, // PendSV
    [15] = SysTick_Handler,
    [16 + UART0_RX_IRQ] = UART0_RX_Handler,
};

static void reset(void) __attribute__((noreturn, used));
static void reset(void) {
    memcpy(&_sdata, &_sidata, (char *)&_edata - (char *)&_sdata);
    memset(&_sbss, 0, (char *)&_ebss - (char *)&_sbss);
    // Fault handlers of their own for bus, memory and usage faults.
    SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18);
    board_init();
    board_exit(main());
}

// The stack pointer is already _estack (vector 0); jump to C.
void Reset_Handler(void) {
    __asm volatile ("b reset");
}

static void Default_Handler(void) {
    for (;;) {
        __asm volatile ("wfi");
    }
}

static void Fault_Handler(void) {
    board_fatal("FATAL: CPU fault\r\n");
}
