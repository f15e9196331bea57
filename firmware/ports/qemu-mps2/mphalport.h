// HAL of the mps2-an385 port (see mphal.c).
#include "shared/runtime/interrupt_char.h"

// MicroPython's event waits sleep until the next interrupt (SysTick or UART).
#define MICROPY_INTERNAL_WFE(TIMEOUT_MS) __asm volatile ("wfi")

void mp_hal_delay_us(mp_uint_t us);
mp_uint_t mp_hal_ticks_cpu(void);

// A UART has no terminal modes to switch (pyexec.c calls these too).
#define MICROPY_HAL_HAS_STDIO_MODE_SWITCH (1)
static inline void mp_hal_stdio_mode_raw(void) {
}
static inline void mp_hal_stdio_mode_orig(void) {
}
#include "mphal_readline.h"
