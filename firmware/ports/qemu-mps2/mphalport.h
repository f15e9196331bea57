// HAL of the mps2-an385 port (see mphal.c).
#include "shared/runtime/interrupt_char.h"

// MicroPython's event waits sleep until the next interrupt (SysTick or UART).
#define MICROPY_INTERNAL_WFE(TIMEOUT_MS) __asm volatile ("wfi")

void mp_hal_delay_us(mp_uint_t us);
mp_uint_t mp_hal_ticks_cpu(void);

// input() reads a line with MicroPython's line editor, unless the debugger
// serves the program's stdin.
#include "py/misc.h"
#include "shared/readline/readline.h"
#define mp_hal_readline mp_hal_readline
#if MPDBG_SETTRACE
int mpdbg_stdin_readline(vstr_t *line);
#endif
static inline int mp_hal_readline(vstr_t *vstr, const char *p) {
    #if MPDBG_SETTRACE
    int served = mpdbg_stdin_readline(vstr);
    if (served >= 0) {
        return served;
    }
    #endif
    return readline(vstr, p);
}
