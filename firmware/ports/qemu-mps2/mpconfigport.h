// mpdbg's MicroPython port for QEMU's mps2-an385 board (ARM Cortex-M3): a
// 32-bit bare-metal target with the REPL on a UART, a 192 KB heap and a RAM
// file system, built from the pinned PyPI source package like the host port.
#include <stdint.h>
#include <alloca.h>

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

// The flavours as on the host: -DMPDBG_SETTRACE=0 is the "release" reference.
#ifndef MPDBG_SETTRACE
#define MPDBG_SETTRACE (1)
#endif
#define MICROPY_PY_SYS_SETTRACE (MPDBG_SETTRACE)

// Compiler and runtime.
#define MICROPY_ENABLE_COMPILER (1)
#define MICROPY_ENABLE_GC (1)
#define MICROPY_ENABLE_FINALISER (1)
#define MICROPY_STACK_CHECK (1)
#define MICROPY_MALLOC_USES_ALLOCATED_SIZE (1)
#define MICROPY_MEM_STATS (1)
#define MICROPY_KBD_EXCEPTION (1)
#define MICROPY_PY_SYS_EXC_INFO (1)
#define MICROPY_HELPER_REPL (1)
#define MICROPY_REPL_INFO (1)
#define MICROPY_REPL_EMACS_KEYS (1)
#define MICROPY_REPL_AUTO_INDENT (1)
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
// Soft double precision: the same float results as the host port and CPython.
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_DOUBLE)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_DETAILED)
#define MICROPY_WARNINGS (1)
#define MICROPY_ENABLE_SOURCE_LINE (1)
#define MICROPY_READER_POSIX (1) // over the RAM file system (posix.c)
#define MICROPY_ENABLE_SCHEDULER (1)
#define MICROPY_SCHEDULER_STATIC_NODES (1)
// Native code for Thumb-2: @native/@viper and .mpy files with machine code;
// it also makes sys.implementation._mpy name the architecture.
#define MICROPY_EMIT_THUMB (1)
#define MICROPY_EMIT_INLINE_THUMB (0)
#define MICROPY_PERSISTENT_CODE_LOAD (1)
#ifndef MICROPY_OPT_COMPUTED_GOTO
#define MICROPY_OPT_COMPUTED_GOTO (1)
#endif

// Modules a board offers, plus what the agent needs.
#define MICROPY_PY_SYS_STDFILES (1)
#define MICROPY_PY_SYS_STDIO_BUFFER (1)
#define MICROPY_PY_SYS_ARGV (1)
#define MICROPY_PY_SYS_EXIT (1)
#define MICROPY_PY_SYS_PATH (1)
#define MICROPY_PY_SYS_PLATFORM "qemu-mps2"
#define MICROPY_PY_MICROPYTHON_MEM_INFO (1)
#define MICROPY_PY_IO (1)
#define MICROPY_PY_SELECT (0) // ours: common/modselect.c over posix.c's poll()
#define MICROPY_PY_OS (0)     // ours: common/modos.c over the RAM file system
#define MICROPY_PY_TIME (0)   // ours: common/modtime.c
#define MICROPY_PY_BUILTINS_INPUT (1)
#define MICROPY_PY_GC (1)
#define MICROPY_PY_ERRNO (1)
#define MICROPY_PY_STRUCT (1)
#define MICROPY_PY_COLLECTIONS (1)
#define MICROPY_PY_MATH (1)
#define MICROPY_PY_ARRAY (1)
#define MICROPY_PY_UCTYPES (0) // extmod is not in the source package

#define MICROPY_ALLOC_PATH_MAX (256)
#define MP_SSIZE_MAX (0x7fffffff)

typedef long mp_off_t;
typedef intptr_t mp_int_t;
typedef uintptr_t mp_uint_t;

#define MICROPY_HW_BOARD_NAME "mps2-an385"
#define MICROPY_HW_MCU_NAME "Cortex-M3"
#define MICROPY_BANNER_MACHINE "mpdbg qemu-mps2 (QEMU mps2-an385, Cortex-M3) with sys.settrace"

#define MP_STATE_PORT MP_STATE_VM

// The UART's RX interrupt tells _mpdbg when input arrives.
#define MICROPY_MPDBG_INPUT_NOTIFY (MPDBG_SETTRACE)

// A board's memory (main.c): the heap, and the C stack the linker script reserves.
#define MPDBG_BOARD_HEAP_DEFAULT (192 * 1024)
