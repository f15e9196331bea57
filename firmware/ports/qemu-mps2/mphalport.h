// HAL of the mps2-an385 port (see mphal.c).
#include "shared/runtime/interrupt_char.h"

// The scheduler's queue and state are shared with the UART's RX interrupt
// (Ctrl-C, _mpdbg's wake), which may come between any two instructions: the
// VM updates them with interrupts masked. Unmasked, a byte that came while
// mp_sched_unlock() found the queue empty left the wake queued with the
// scheduler idle (the host unheard for good), and one that came while a
// callback re-queued itself linked the node to itself (a CPU fault later).
static inline mp_uint_t board_irq_mask(void) {
    mp_uint_t primask;
    __asm volatile ("mrs %0, primask\n\tcpsid i" : "=r" (primask) : : "memory");
    return primask;
}
static inline void board_irq_restore(mp_uint_t primask) {
    __asm volatile ("msr primask, %0" : : "r" (primask) : "memory");
}
#define MICROPY_BEGIN_ATOMIC_SECTION() board_irq_mask()
#define MICROPY_END_ATOMIC_SECTION(state) board_irq_restore(state)

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
