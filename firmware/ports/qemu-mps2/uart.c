// UART0 of the AN385, a CMSDK APB UART at 0x40004000, exposed by QEMU as a
// pseudo-terminal. Transmit is polled; receive is interrupt driven: the RX
// interrupt moves each byte into a ring buffer, turns Ctrl-C into a
// KeyboardInterrupt while a program runs, and tells _mpdbg that input is
// pending (so a debugger's pause reaches even a loop that makes no calls).
// When the ring is full the RX interrupt is masked: the UART holds the byte
// and QEMU stops reading the pty, so nothing the host sends is lost.
#include "py/mpconfig.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "shared/runtime/interrupt_char.h"

#include "board.h"

#define UART0_BASE (0x40004000u)
#define UART_DATA REG32(UART0_BASE + 0x00)
#define UART_STATE REG32(UART0_BASE + 0x04)
#define UART_CTRL REG32(UART0_BASE + 0x08)
#define UART_INTCLEAR REG32(UART0_BASE + 0x0C)
#define UART_BAUDDIV REG32(UART0_BASE + 0x10)

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define CTRL_TX_EN (1u << 0)
#define CTRL_RX_EN (1u << 1)
#define CTRL_RX_INT_EN (1u << 3)
#define INT_RX (1u << 1)

#define RX_SIZE (1024u) // a power of two
// Room kept for a held wake prefix that a byte releases (wake.c), so a
// full ring never drops it.
#define RX_ROOM (16u)
static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint32_t rx_head; // written by the interrupt
static volatile uint32_t rx_tail; // written by the reader

#if MICROPY_MPDBG_INPUT_NOTIFY || MICROPY_MPDBG_WAKE
#include "mpdbg_port.h"
#endif

void uart_init(void) {
    // QEMU's model refuses to send or receive with a divider below 16.
    UART_BAUDDIV = BOARD_CPU_HZ / 115200;
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INT_EN;
    NVIC_ISER0 = 1u << UART0_RX_IRQ;
}

// One received byte: Ctrl-C interrupts the program, the rest is input.
static void rx_take(uint8_t c) {
    if (c == mp_interrupt_char) {
        mp_sched_keyboard_interrupt();
        return;
    }
    rx_buf[rx_head % RX_SIZE] = c;
    rx_head++;
    #if MICROPY_MPDBG_INPUT_NOTIFY
    mpdbg_input_pending();
    #endif
}

// Moves what the UART holds into the ring; masks the RX interrupt when the
// ring is (nearly) full (then the UART keeps its byte until the reader makes room).
static void rx_drain(void) {
    while (UART_STATE & STATE_RX_FULL) {
        if (rx_head - rx_tail > RX_SIZE - RX_ROOM) {
            UART_CTRL &= ~CTRL_RX_INT_EN;
            return;
        }
        uint8_t c = UART_DATA;
        #if MICROPY_MPDBG_WAKE
        // A debugger's wake sequence never reaches the program (wake.c).
        uint8_t out[16];
        size_t n = mpdbg_wake_rx(c, out);
        for (size_t i = 0; i < n; i++) {
            rx_take(out[i]);
        }
        #else
        rx_take(c);
        #endif
    }
}

void UART0_RX_Handler(void) {
    UART_INTCLEAR = INT_RX;
    rx_drain();
}

bool uart_rx_any(void) {
    return rx_head != rx_tail;
}

int uart_read_byte(void) {
    if (rx_head == rx_tail) {
        return -1;
    }
    uint8_t c = rx_buf[rx_tail % RX_SIZE];
    rx_tail++;
    if (!(UART_CTRL & CTRL_RX_INT_EN)) {
        // Room again: take the byte the UART held, then interrupts as before.
        mp_uint_t state = MICROPY_BEGIN_ATOMIC_SECTION();
        UART_CTRL |= CTRL_RX_INT_EN;
        rx_drain();
        MICROPY_END_ATOMIC_SECTION(state);
    }
    return c;
}

void uart_write(const char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (UART_STATE & STATE_TX_FULL) {
        }
        UART_DATA = (uint8_t)buf[i];
    }
}
