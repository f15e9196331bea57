// The program's standard input while a debugger owns the link.
//
// A board's REPL stream (and the host port's stdin) carries the debugger's
// frames, so a program reading stdin (input(), sys.stdin.read(1)) would eat
// them and the host would lose the device. While the agent serves the
// program's input, the port's mp_hal_stdin_rx_chr() asks
// mpdbg_stdin_rx_chr() first: it hands out what the host sent in input
// messages, calling the agent's fill() for more. fill() serves the host
// meanwhile, so breakpoints can be set and a pause stops the program inside
// input().
//
//   stdin(fill)   serve the program's stdin from fill(): a callable that
//                 returns the next bytes, b"" at the end of the input
//   stdin(None)   give stdin back to the port
//   stdin()       the fill in use, or None
//
// The agent's own reads of the link go to the port: while fill() runs, and
// while a trace callback runs (every stop is served from one).
#include "py/mphal.h"
#include "py/runtime.h"

#include "mpdbg.h"
#include "mpdbg_port.h"

#ifndef CHAR_CTRL_D
#define CHAR_CTRL_D (4)
#endif

MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_stdin_fill);
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_stdin_buf);

static size_t stdin_pos;
static bool stdin_busy;
static bool stdin_eof;

static bool stdin_served(void) {
    return MP_STATE_VM(mpdbg_stdin_fill) != MP_OBJ_NULL && !stdin_busy
           && !MP_STATE_THREAD(prof_callback_is_executing);
}

int mpdbg_stdin_rx_chr(void) {
    while (stdin_served()) {
        mp_obj_t buf = MP_STATE_VM(mpdbg_stdin_buf);
        if (buf != MP_OBJ_NULL) {
            mp_buffer_info_t b;
            mp_get_buffer_raise(buf, &b, MP_BUFFER_READ);
            if (stdin_pos < b.len) {
                return ((const byte *)b.buf)[stdin_pos++];
            }
        }
        if (stdin_eof) {
            return CHAR_CTRL_D; // what a board's readline takes for the end
        }
        stdin_busy = true;
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mp_obj_t got = mp_call_function_0(MP_STATE_VM(mpdbg_stdin_fill));
            nlr_pop();
            stdin_busy = false;
            mp_buffer_info_t b;
            mp_get_buffer_raise(got, &b, MP_BUFFER_READ);
            MP_STATE_VM(mpdbg_stdin_buf) = got;
            stdin_pos = 0;
            stdin_eof = b.len == 0;
        } else {
            // KeyboardInterrupt, SystemExit (terminate): the program's to handle.
            stdin_busy = false;
            nlr_jump(nlr.ret_val);
        }
    }
    return -1;
}

int mpdbg_stdin_readline(vstr_t *line) {
    if (!stdin_served()) {
        return -1;
    }
    // No echo: the host's console already shows what was typed.
    for (;;) {
        int c = mpdbg_stdin_rx_chr();
        if (c < 0 || c == CHAR_CTRL_D) {
            return line->len == 0 ? CHAR_CTRL_D : 0;
        }
        if (c == '\n') {
            return 0;
        }
        if (c != '\r') {
            vstr_add_byte(line, c);
        }
    }
}

static mp_obj_t mpdbg_stdin(size_t n_args, const mp_obj_t *args) {
    if (n_args == 0) {
        // Whether a debugger serves stdin: its fill, or None.
        mp_obj_t fill = MP_STATE_VM(mpdbg_stdin_fill);
        return fill == MP_OBJ_NULL ? mp_const_none : fill;
    }
    mp_obj_t fill = args[0];
    if (fill != mp_const_none && !mp_obj_is_callable(fill)) {
        mp_raise_TypeError(MP_ERROR_TEXT("stdin(fill) needs a callable or None"));
    }
    MP_STATE_VM(mpdbg_stdin_fill) = fill == mp_const_none ? MP_OBJ_NULL : fill;
    MP_STATE_VM(mpdbg_stdin_buf) = MP_OBJ_NULL;
    stdin_pos = 0;
    stdin_eof = false;
    stdin_busy = false;
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_stdin_obj, 0, 1, mpdbg_stdin);
