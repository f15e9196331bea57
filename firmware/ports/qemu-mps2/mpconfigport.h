// mpdbg's MicroPython port for QEMU's mps2-an385 board (ARM Cortex-M3): a
// 32-bit bare-metal target with the REPL on a UART, a 192 KB heap and a RAM
// file system, built from the pinned PyPI source package like the host port.
#include "mpconfig_common.h"

// Native code for Thumb-2: @native/@viper and .mpy files with machine code;
// it also makes sys.implementation._mpy name the architecture.
#define MICROPY_EMIT_THUMB (1)
#define MICROPY_PERSISTENT_CODE_LOAD (1)
#define MICROPY_PY_SYS_PLATFORM "qemu-mps2"

#define MICROPY_ALLOC_PATH_MAX (256)
#define MP_SSIZE_MAX (0x7fffffff)

#define MICROPY_HW_BOARD_NAME "mps2-an385"
#define MICROPY_HW_MCU_NAME "Cortex-M3"
#define MICROPY_BANNER_MACHINE "mpdbg qemu-mps2 (QEMU mps2-an385, Cortex-M3) with sys.settrace"

// The board's default heap (main.c); board.heap_size() changes it.
#define MPDBG_BOARD_HEAP_DEFAULT (192 * 1024)
