// The mps2-an385 board as QEMU emulates it: the registers this port uses and
// the board functions shared by its C files.
#ifndef MPDBG_QEMU_MPS2_BOARD_H
#define MPDBG_QEMU_MPS2_BOARD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

// System control block and NVIC (ARMv7-M).
#define SCB_SHCSR REG32(0xE000ED24)
#define NVIC_ISER0 REG32(0xE000E100)
#define SYST_CSR REG32(0xE000E010)
#define SYST_RVR REG32(0xE000E014)
#define SYST_CVR REG32(0xE000E018)

// The AN385's CPU clock, which SysTick counts.
#define BOARD_CPU_HZ (25000000u)
// External interrupts in the vector table (the AN385 has 32).
#define BOARD_IRQ_COUNT (32)
#define UART0_RX_IRQ (0)

void board_init(void);
// Leaves QEMU with this exit status (semihosting).
void board_exit(int status) __attribute__((noreturn));
// Prints `msg` on the UART and leaves QEMU with status 3 (semihosting).
void board_fatal(const char *msg) __attribute__((noreturn));

void SysTick_Handler(void);
void UART0_RX_Handler(void);

// UART0 (CMSDK APB UART): polled transmit, interrupt-driven receive into a
// ring buffer.
void uart_init(void);
void uart_write(const char *buf, size_t len);
// The next received byte, or -1 if none is buffered.
int uart_read_byte(void);
bool uart_rx_any(void);

// Sleeps until the next interrupt (WFI); true when the VM then has work
// pending (a KeyboardInterrupt, a scheduled callback), which a blocking
// call should return EINTR for.
bool board_wait_event(void);

// Milliseconds since start-up and microseconds within the current one.
uint32_t board_ticks_ms(void);
uint64_t board_ticks_us(void);
#endif
