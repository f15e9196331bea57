// HAL of the mpdbg host port: stdio on file descriptors 0 and 1, monotonic ticks.
#include <unistd.h>

#ifndef CHAR_CTRL_C
#define CHAR_CTRL_C (3)
#endif

// The scheduler's queue and state are shared with signal handlers (SIGIO:
// _mpdbg's wake; SIGINT), which may run between any two instructions: the VM
// updates them with those signals blocked (the board masks its UART
// interrupt for the same reason: see its mphalport.h).
mp_uint_t mp_hal_signals_block(void);
void mp_hal_signals_restore(mp_uint_t were_blocked);
#define MICROPY_BEGIN_ATOMIC_SECTION() mp_hal_signals_block()
#define MICROPY_END_ATOMIC_SECTION(state) mp_hal_signals_restore(state)

// Block briefly instead of spinning when MicroPython waits for an event.
#define MICROPY_INTERNAL_WFE(TIMEOUT_MS) mp_hal_delay_us(500)

#define MICROPY_HAL_HAS_STDIO_MODE_SWITCH (1)
void mp_hal_stdio_mode_raw(void);
void mp_hal_stdio_mode_orig(void);
#include "shared/runtime/interrupt_char.h"

static inline void mp_hal_delay_us(mp_uint_t us) {
    usleep(us);
}
#define mp_hal_ticks_cpu() 0

// input() reads a line with MicroPython's own line editor, in raw mode.
#include "mphal_readline.h"
