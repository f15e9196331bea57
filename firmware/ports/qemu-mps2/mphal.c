// HAL of the mps2-an385 port: the REPL on UART0, time from SysTick (1 ms
// interrupts from the 25 MHz CPU clock), sleeps in WFI.
#include <string.h>

#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"

#include "board.h"
#include "posix_port.h"
#include "ramfs.h"
#if MPDBG_MODULE
#include "mpdbg_port.h"
#endif

#define SYSTICK_RELOAD (BOARD_CPU_HZ / 1000 - 1)
// The board has no real-time clock: wall time starts at 2000-01-01.
#define EPOCH_2000_S (946684800ull)

bool mp_hal_stdin_eof; // a UART has no end

static volatile uint32_t ticks_ms;

void SysTick_Handler(void) {
    ticks_ms++;
}

void board_init(void) {
    SYST_RVR = SYSTICK_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 7; // CPU clock, interrupt, enabled
    uart_init();
    ramfs_init();
}

// ARM semihosting's SYS_EXIT_EXTENDED: QEMU (run with -semihosting) exits
// with `status`. Without -semihosting the BKPT faults; then stop here.
void board_exit(int status) {
    static volatile uint32_t block[2];
    block[0] = 0x20026; // ADP_Stopped_ApplicationExit
    block[1] = (uint32_t)status;
    register uint32_t r0 __asm__("r0") = 0x20;
    register volatile uint32_t *r1 __asm__("r1") = block;
    __asm volatile ("bkpt 0xab" : "+r" (r0) : "r" (r1) : "memory");
    for (;;) {
        __asm volatile ("wfi");
    }
}

void board_fatal(const char *msg) {
    uart_write(msg, strlen(msg));
    board_exit(3);
}

uint32_t board_ticks_ms(void) {
    return ticks_ms;
}

uint64_t board_ticks_us(void) {
    uint32_t ms, cvr;
    do {
        ms = ticks_ms;
        cvr = SYST_CVR;
    } while (ms != ticks_ms); // a tick between the two reads
    return (uint64_t)ms * 1000 + (SYSTICK_RELOAD - cvr) / (BOARD_CPU_HZ / 1000000);
}

bool board_wait_event(void) {
    __asm volatile ("wfi");
    return MP_STATE_THREAD(mp_pending_exception) != MP_OBJ_NULL
           || MP_STATE_VM(sched_state) == MP_SCHED_PENDING;
}

mp_uint_t mp_hal_ticks_ms(void) {
    return ticks_ms;
}

mp_uint_t mp_hal_ticks_us(void) {
    return (mp_uint_t)board_ticks_us();
}

mp_uint_t mp_hal_ticks_cpu(void) {
    return SYSTICK_RELOAD - SYST_CVR;
}

uint64_t mp_hal_time_ns(void) {
    return (EPOCH_2000_S * 1000000ull + board_ticks_us()) * 1000ull;
}

void mp_hal_delay_ms(mp_uint_t ms) {
    uint32_t start = ticks_ms;
    while (ticks_ms - start < ms) {
        mp_event_wait_ms(ms - (ticks_ms - start)); // runs pending work, then WFI
    }
}

void mp_hal_delay_us(mp_uint_t us) {
    if (us >= 1000) {
        mp_hal_delay_ms(us / 1000);
        us %= 1000;
    }
    uint64_t end = board_ticks_us() + us;
    while (board_ticks_us() < end) {
    }
}

int mp_hal_stdin_rx_chr(void) {
    #if MPDBG_MODULE
    int served = mpdbg_stdin_rx_chr(); // the program's input while a debugger owns the UART
    if (served >= 0) {
        return served;
    }
    #endif
    for (;;) {
        int c = uart_read_byte();
        if (c >= 0) {
            return c;
        }
        mp_event_wait_indefinite();
    }
}

mp_uint_t mp_hal_stdout_tx_strn(const char *str, size_t len) {
    uart_write(str, len);
    return len;
}

uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    uintptr_t ret = 0;
    if ((poll_flags & MP_STREAM_POLL_RD) && uart_rx_any()) {
        ret |= MP_STREAM_POLL_RD;
    }
    if (poll_flags & MP_STREAM_POLL_WR) {
        ret |= MP_STREAM_POLL_WR;
    }
    return ret;
}
