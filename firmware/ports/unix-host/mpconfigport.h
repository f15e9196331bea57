// mpdbg host port: a small Linux port of MicroPython that behaves like board
// firmware (REPL with raw mode on stdin/stdout, select, socket, time, os),
// built from the pinned PyPI source package with sys.settrace enabled.
#include <stdint.h>
#include <alloca.h>

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

// Debug flavour by default; the "release" reference build passes
// -DMPDBG_SETTRACE=0 so benchmarks compare the same source.
#ifndef MPDBG_SETTRACE
#define MPDBG_SETTRACE (1)
#endif
#define MICROPY_PY_SYS_SETTRACE (MPDBG_SETTRACE)
#define MICROPY_PERSISTENT_CODE_SAVE (MPDBG_SETTRACE)

// Compiler and runtime.
#define MICROPY_ENABLE_COMPILER (1)
#define MICROPY_ENABLE_GC (1)
#define MICROPY_GC_ALLOC_THRESHOLD (1)
#define MICROPY_ENABLE_FINALISER (1)
#define MICROPY_STACK_CHECK (1)
#define MICROPY_MALLOC_USES_ALLOCATED_SIZE (1)
#define MICROPY_MEM_STATS (1)
#define MICROPY_KBD_EXCEPTION (1)
// sys.exc_info(): the agent names the exception at a 'raised' stop with it.
#define MICROPY_PY_SYS_EXC_INFO (1)
#define MICROPY_HELPER_REPL (1)
#define MICROPY_REPL_INFO (1)
#define MICROPY_REPL_EMACS_KEYS (1)
#define MICROPY_REPL_AUTO_INDENT (1)
#define MICROPY_USE_READLINE (1)
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_DOUBLE)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_DETAILED)
#define MICROPY_WARNINGS (1)
#define MICROPY_ENABLE_SOURCE_LINE (1)
#define MICROPY_READER_POSIX (1)
#define MICROPY_ENABLE_SCHEDULER (1)
#define MICROPY_SCHEDULER_STATIC_NODES (1)
#define MICROPY_EMIT_X64 (0)
#define MICROPY_EMIT_INLINE_THUMB (0)
#ifndef MICROPY_OPT_COMPUTED_GOTO
#define MICROPY_OPT_COMPUTED_GOTO (1)
#endif

// Modules and features a board typically has, plus what the agent needs.
#define MICROPY_PY_SYS_STDFILES (1)
#define MICROPY_PY_SYS_STDIO_BUFFER (1)
#define MICROPY_PY_SYS_ARGV (1)
#define MICROPY_PY_SYS_EXIT (1)
#define MICROPY_PY_SYS_PATH (1)
#define MICROPY_PY_SYS_PLATFORM "linux"
#define MICROPY_PY_MICROPYTHON_MEM_INFO (1)
#define MICROPY_PY_IO (1)
#define MICROPY_PY_SELECT (0) // our own select module (modselect.c)
#define MICROPY_PY_OS (0)     // our own os module (modos.c)
#define MICROPY_PY_TIME (0)   // our own time module (modtime.c)
#define MICROPY_PY_BUILTINS_INPUT (1)
#define MICROPY_PY_GC (1)
#define MICROPY_PY_ERRNO (1)
#define MICROPY_PY_STRUCT (1)
#define MICROPY_PY_COLLECTIONS (1)
#define MICROPY_PY_MATH (1)
#define MICROPY_PY_ARRAY (1)
#define MICROPY_PY_UCTYPES (0) // extmod is not in the source package

// Memory is given by main.c (-X heapsize=...).
#define MICROPY_ALLOC_PATH_MAX (4096)
#define MP_SSIZE_MAX (0x7fffffffffffffff)

typedef long mp_off_t;
typedef intptr_t mp_int_t;
typedef uintptr_t mp_uint_t;

#define MICROPY_HW_BOARD_NAME "mpdbg-host"
#define MICROPY_HW_MCU_NAME "linux"
#define MICROPY_BANNER_MACHINE "mpdbg host port (Linux) with sys.settrace"

#define MP_STATE_PORT MP_STATE_VM

// The host port tells _mpdbg when input arrives on stdin (SIGIO), so the
// debugger's watch costs nothing while the program runs.
#define MICROPY_MPDBG_INPUT_NOTIFY (MPDBG_SETTRACE)
