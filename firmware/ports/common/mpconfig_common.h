// MicroPython configuration shared by our ports (included first by each
// port's mpconfigport.h): what a board typically offers, plus what mpdbg's
// agent needs, with sys.settrace in every flavour but "release".
#include <stdint.h>
#include <alloca.h>

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

// Debug flavour by default; the "release" reference build passes
// -DMPDBG_SETTRACE=0 so benchmarks compare the same source.
#ifndef MPDBG_SETTRACE
#define MPDBG_SETTRACE (1)
#endif
#define MICROPY_PY_SYS_SETTRACE (MPDBG_SETTRACE)
// The _mpdbg module with settrace, but in the "trace-only" build
// (-DMPDBG_MODULE=0: stock MicroPython with settrace, as a board's own
// firmware may be).
#ifndef MPDBG_MODULE
#define MPDBG_MODULE (MPDBG_SETTRACE)
#endif

// Compiler and runtime.
#define MICROPY_ENABLE_COMPILER (1)
#define MICROPY_ENABLE_GC (1)
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
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
// Double precision everywhere (soft on the board): the same float results
// as CPython, which the device tests compare with.
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_DOUBLE)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_DETAILED)
#define MICROPY_WARNINGS (1)
#define MICROPY_ENABLE_SOURCE_LINE (1)
#define MICROPY_READER_POSIX (1) // open/read/close: Linux's, or the board's posix.c
#define MICROPY_ENABLE_SCHEDULER (1)
#define MICROPY_SCHEDULER_STATIC_NODES (1)
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
#define MICROPY_PY_MICROPYTHON_MEM_INFO (1)
#define MICROPY_PY_IO (1)
#define MICROPY_PY_SELECT (0) // ours: common/modselect.c
#define MICROPY_PY_OS (0)     // ours: common/modos.c
#define MICROPY_PY_TIME (0)   // ours: common/modtime.c
#define MICROPY_PY_BUILTINS_INPUT (1)
#define MICROPY_PY_GC (1)
#define MICROPY_PY_ERRNO (1)
#define MICROPY_PY_STRUCT (1)
#define MICROPY_PY_COLLECTIONS (1)
#define MICROPY_PY_MATH (1)
#define MICROPY_PY_ARRAY (1)
#define MICROPY_PY_UCTYPES (0) // extmod is not in the source package

typedef long mp_off_t;
typedef intptr_t mp_int_t;
typedef uintptr_t mp_uint_t;

#define MP_STATE_PORT MP_STATE_VM

// The port tells _mpdbg when input arrives on its REPL stream (SIGIO on the
// host, the UART's RX interrupt on the board), so the debugger's watch costs
// nothing while the program runs.
#define MICROPY_MPDBG_INPUT_NOTIFY (MPDBG_MODULE)
// And passes what it receives there through _mpdbg's wake filter, so that
// a debugger can attach to a program that runs without it (wake.c).
#define MICROPY_MPDBG_WAKE (MPDBG_MODULE)
