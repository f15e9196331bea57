// HAL of the mps2-an385 port (see mphal.c).
#include "shared/runtime/interrupt_char.h"

// MicroPython's event waits sleep until the next interrupt (SysTick or UART).
#define MICROPY_INTERNAL_WFE(TIMEOUT_MS) __asm volatile ("wfi")

void mp_hal_delay_us(mp_uint_t us);
mp_uint_t mp_hal_ticks_cpu(void);
