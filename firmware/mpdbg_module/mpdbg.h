// What the parts of the _mpdbg module share (see mpdbg.c for the module's
// interface, filter.c for the trace filter).
#ifndef MPDBG_MODULE_MPDBG_H
#define MPDBG_MODULE_MPDBG_H

#include "py/bc0.h"
#include "py/obj.h"
#include "py/profile.h"

#if !MICROPY_PY_SYS_SETTRACE
#error "_mpdbg needs MICROPY_PY_SYS_SETTRACE=1"
#endif

extern const mp_obj_type_t mp_type_frame;

// The running function of a frame. Our core patches keep it in the frame and
// make the code object only on demand; stock firmware has a code object.
#if defined(MICROPY_PY_SYS_SETTRACE_FRAME_FUN_BC)
#define FRAME_RC(f) ((f)->fun_bc->rc)
#define FRAME_CONTEXT(f) ((f)->fun_bc->context)
#else
#define FRAME_RC(f) ((f)->code->rc)
#define FRAME_CONTEXT(f) ((f)->code->context)
#endif

// A var-uint of the bytecode at *ip, which moves past it.
static inline mp_uint_t mpdbg_decode_uint(const byte **ip) {
    mp_uint_t v = 0;
    byte b;
    do {
        b = *(*ip)++;
        v = (v << 7) | (b & 0x7f);
    } while (b & 0x80);
    return v;
}

// The size of the instruction at ip, as the VM decodes it.
static inline size_t mpdbg_op_size(const byte *ip) {
    const byte *p = ip;
    byte op = *p++;
    switch (MP_BC_FORMAT(op)) {
        case MP_BC_FORMAT_QSTR: // an index into the qstr table, as a var-uint
        case MP_BC_FORMAT_VAR_UINT:
            mpdbg_decode_uint(&p);
            break;
        case MP_BC_FORMAT_OFFSET:
            p += (*p & 0x80) ? 2 : 1;
            break;
        default:
            break;
    }
    if ((op & MP_BC_MASK_EXTRA_BYTE) == 0) {
        p++;
    }
    return p - ip;
}

// True when o is a cell (a local captured by a closure).
bool mpdbg_is_cell(mp_obj_t o);

// The code state of a frame that is still running, or NULL.
mp_code_state_t *mpdbg_find_live(mp_obj_frame_t *frame);

// A code object's line of definition: what a frame reports at the `call`
// event of its first entry.
mp_uint_t mpdbg_definition_line(const mp_raw_code_t *rc);

// The value of a condition lambda called with the first n_args locals of a
// code state (top: its top slot, &state[n_state - 1]; at most
// MPDBG_CONDITION_MAX_ARGS), found without calling it when its code allows
// (condition.c). MP_OBJ_NULL when it reads an unbound local (*unbound is
// then true), which only the agent's Python path can report as CPython does.
// May raise, as the lambda would.
// The lambda must stay alive until mpdbg_condition_forget(): what its code
// needs is found once and remembered by its address.
#define MPDBG_CONDITION_MAX_ARGS (24)
mp_obj_t mpdbg_condition_eval(mp_obj_t fun, size_t n_args, const mp_obj_t *top, bool *unbound);
void mpdbg_condition_forget(void);
// The same for a comparison of two small ints (`i == 500`), decided here
// without any runtime call, so that it cannot raise: false when the
// condition is not such a comparison, and mpdbg_condition_eval must decide.
bool mpdbg_condition_quick(mp_obj_t fun, size_t n_args, const mp_obj_t *top, bool *held);

// filter(calls, tracer[, bps, line_tracer]), in filter.c.
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_filter_obj);

#endif // MPDBG_MODULE_MPDBG_H
