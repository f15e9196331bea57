// mpdbg host port: a small Linux port of MicroPython that behaves like board
// firmware (REPL with raw mode on stdin/stdout, select, socket, time, os),
// built from the pinned PyPI source package with sys.settrace enabled.
#include "mpconfig_common.h"

#define MICROPY_PERSISTENT_CODE_SAVE (MPDBG_SETTRACE)
// Debug builds import .mpy files, as boards do, and write them (main.c's
// --compile): the agent's stop-time modules then load without compiling.
// Not in the release reference, whose bytecode would change.
#define MICROPY_PERSISTENT_CODE_LOAD (MPDBG_SETTRACE)
#define MICROPY_PERSISTENT_CODE_SAVE_FILE (MPDBG_SETTRACE)
#define MICROPY_GC_ALLOC_THRESHOLD (1)
#define MICROPY_USE_READLINE (1)
#define MICROPY_EMIT_X64 (0)
#define MICROPY_PY_SYS_PLATFORM "linux"

// Memory is given by main.c (-X heapsize=...).
#define MICROPY_ALLOC_PATH_MAX (4096)
#define MP_SSIZE_MAX (0x7fffffffffffffff)

#define MICROPY_HW_BOARD_NAME "mpdbg-host"
#define MICROPY_HW_MCU_NAME "linux"
#define MICROPY_BANNER_MACHINE "mpdbg host port (Linux) with sys.settrace"
