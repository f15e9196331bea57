// Entry point of the mpdbg qemu-mps2 port, after startup.c: MicroPython as a
// board runs it. boot.py, then (in the friendly REPL) main.py, then the REPL
// on UART0 with raw and raw-paste mode; Ctrl-D soft-resets the VM (a fresh
// heap; the RAM file system stays).
#include <stdio.h>

#include "py/builtin.h"
#include "py/cstack.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "shared/readline/readline.h"
#include "shared/runtime/pyexec.h"

#include "board.h"
#include "board_heap.h"

extern char _estack, _sstack;

// The heap lives in .bss; board.heap_size() chooses how much of it the next
// soft reset uses (a small board's, or a larger one's).
static char heap[MPDBG_BOARD_HEAP_MAX] __attribute__((aligned(8)));
static size_t heap_size = MPDBG_BOARD_HEAP_DEFAULT;

size_t board_heap_size(void) {
    return heap_size;
}

bool board_set_heap_size(size_t size) {
    if (size < MPDBG_BOARD_HEAP_MIN || size > MPDBG_BOARD_HEAP_MAX) {
        return false;
    }
    heap_size = size & ~(size_t)7;
    return true;
}

static void vm_init(void) {
    gc_init(heap, heap + heap_size);
    mp_init();
    mp_obj_list_init(MP_OBJ_TO_PTR(mp_sys_path), 0);
    mp_obj_list_append(mp_sys_path, MP_OBJ_NEW_QSTR(MP_QSTR_));
    mp_obj_list_append(mp_sys_path, mp_obj_new_str_via_qstr("/lib", 4));
    mp_obj_list_init(MP_OBJ_TO_PTR(mp_sys_argv), 0);
    readline_init0();
}

int main(void) {
    mp_cstack_init_with_top(&_estack, &_estack - &_sstack);
    for (;;) {
        vm_init();
        int ret = pyexec_file_if_exists("boot.py");
        if (!(ret & PYEXEC_FORCED_EXIT) && pyexec_mode_kind == PYEXEC_MODE_FRIENDLY_REPL) {
            ret = pyexec_file_if_exists("main.py");
        }
        while (!(ret & PYEXEC_FORCED_EXIT)) {
            ret = pyexec_mode_kind == PYEXEC_MODE_RAW_REPL ? pyexec_raw_repl() : pyexec_friendly_repl();
        }
        mp_hal_stdout_tx_str("MPY: soft reboot\r\n");
        gc_sweep_all();
        mp_deinit();
    }
}

void nlr_jump_fail(void *val) {
    (void)val;
    board_fatal("FATAL: uncaught NLR\r\n");
}

#ifndef NDEBUG
void __assert_func(const char *file, int line, const char *func, const char *expr) {
    printf("assertion \"%s\" failed: file \"%s\", line %d, function %s\r\n", expr, file, line, func);
    board_fatal("FATAL: assertion failed\r\n");
}
#endif
