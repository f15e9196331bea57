// What the parts of the _mpdbg module share (see mpdbg.c for the module's
// interface, filter.c for the trace filter).
#ifndef MPDBG_MODULE_MPDBG_H
#define MPDBG_MODULE_MPDBG_H

#include "py/bc0.h"
#include "py/objfun.h"
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

// A breakpoint condition: a lambda of a code state's first n_args locals
// (at most MPDBG_CONDITION_MAX_ARGS), studied once (condition.c). The lambda
// must stay alive until mpdbg_condition_forget(): what its code needs is
// found once and remembered by its address.
#define MPDBG_CONDITION_MAX_ARGS (24)
typedef struct mpdbg_condition mpdbg_condition_t;
const mpdbg_condition_t *mpdbg_condition_study(mp_obj_t fun, size_t n_args);
void mpdbg_condition_forget(void);
// A comparison of two small ints, each an argument (`slot`) or a constant
// (`value`, when slot < 0), as the interval of their difference it holds
// for: held when (lhs - rhs - lo), unsigned, is at most span (the interval
// may wrap: `!=` is [1, -1]). The difference of two small ints cannot
// overflow. quick is false when the condition is no such comparison.
typedef struct {
    int8_t slot;
    mp_obj_t value;
} mpdbg_operand_t;
typedef struct {
    bool quick;
    mpdbg_operand_t operand[2];
    mp_uint_t lo, span;
} mpdbg_quick_t;
// Its verdict when one operand is an int beyond the small ones (a sum that
// outgrew 31 bits on a 32-bit board) and the other an int too, else false.
bool mpdbg_quick_eval_big(const mpdbg_quick_t *q, mp_obj_t lhs, mp_obj_t rhs, bool *held);
// Its verdict on the locals below top (as below), when both are ints.
static inline bool mpdbg_quick_eval(const mpdbg_quick_t *q, const mp_obj_t *top, bool *held) {
    mp_obj_t lhs = q->operand[0].slot >= 0 ? top[-q->operand[0].slot] : q->operand[0].value;
    mp_obj_t rhs = q->operand[1].slot >= 0 ? top[-q->operand[1].slot] : q->operand[1].value;
    // An unbound local or a cell is no small int: the walk handles those.
    if (!mp_obj_is_small_int(lhs) || !mp_obj_is_small_int(rhs)) {
        return mpdbg_quick_eval_big(q, lhs, rhs, held);
    }
    mp_uint_t d = MP_OBJ_SMALL_INT_VALUE(lhs) - MP_OBJ_SMALL_INT_VALUE(rhs);
    *held = d - q->lo <= q->span;
    return true;
}
bool mpdbg_quick_false_big(const mpdbg_quick_t *q, mp_obj_t lhs, mp_obj_t rhs);
// Whether its verdict is known and false: the gate hook's question, whose
// short way (two small ints) then makes no call at all.
static inline bool mpdbg_quick_false(const mpdbg_quick_t *q, const mp_obj_t *top) {
    mp_obj_t lhs = q->operand[0].slot >= 0 ? top[-q->operand[0].slot] : q->operand[0].value;
    mp_obj_t rhs = q->operand[1].slot >= 0 ? top[-q->operand[1].slot] : q->operand[1].value;
    if (!mp_obj_is_small_int(lhs) || !mp_obj_is_small_int(rhs)) {
        return mpdbg_quick_false_big(q, lhs, rhs);
    }
    mp_uint_t d = MP_OBJ_SMALL_INT_VALUE(lhs) - MP_OBJ_SMALL_INT_VALUE(rhs);
    return d - q->lo > q->span;
}
// A condition's comparison, if it is one and c is still fun's, else NULL,
// to copy at once (the study of another lambda may take c's place).
const mpdbg_quick_t *mpdbg_condition_quick_form(const mpdbg_condition_t *c, mp_obj_t fun);
// Its verdict on the locals below top (a code state's top slot,
// &state[n_state - 1]) when it is a comparison of two ints
// (`i == 500`), decided without any runtime call, so that it cannot raise:
// false when it is not, or when c is no longer fun's (the study of another
// lambda took its place), and mpdbg_condition_eval must decide.
bool mpdbg_condition_quick(const mpdbg_condition_t *c, mp_obj_t fun, const mp_obj_t *top, bool *held);
// Its value, found without calling the lambda when its code allows.
// MP_OBJ_NULL when it reads an unbound local (*unbound is then true), which
// only the agent's Python path can report as CPython does. May raise, as
// the lambda would.
mp_obj_t mpdbg_condition_eval(const mpdbg_condition_t *c, size_t n_args, const mp_obj_t *top, bool *unbound);

// A generator's resume (guard.c): noted at its `call` event, so that the
// `line` event MicroPython then gives for the same ip (CPython gives none)
// is recognised as the duplicate and dropped.
extern const mp_obj_frame_t *mpdbg_resumed_frame;
// Whether a code state at its `call` event is a generator's resume (a call
// starts at the first opcode; a resume continues after a yield).
static inline bool mpdbg_is_resume(const mp_code_state_t *cs) {
    return cs != NULL && cs->ip != cs->fun_bc->rc->prelude.opcodes;
}
void mpdbg_resume_note(mp_obj_frame_t *frame);
bool mpdbg_resume_duplicate_check(mp_obj_frame_t *frame);
static inline bool mpdbg_resume_duplicate(mp_obj_frame_t *frame) {
    return mpdbg_resumed_frame != NULL && mpdbg_resume_duplicate_check(frame);
}

// Gating a breakpointed frame's line events (gate.c, core patch 0011):
// what a code object's gates were, by the place (1 + bytecode offset, 0:
// none) of the event that made them; lo == hi: not gated there.
#if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)
typedef struct {
    uint16_t at, lo, hi;
} mpdbg_gate_t;
#define MPDBG_GATES (2)
// Gates the frame at its current instruction, an event's, if the code
// around it holds no line of bp_lines ({line: fields}, or NULL) that it
// would reach without an event; line_bits has bit (line % 32) of each.
void mpdbg_gate(mp_obj_frame_t *frame, mpdbg_gate_t cache[MPDBG_GATES], const mp_map_t *bp_lines, uint32_t line_bits);
#endif
// A code object's stop gate (core patch 0013), if it has one: 1 + the offset
// of the instruction where its only breakpoint line (*bp_line) is entered,
// or 0 when a range gate must do.
#if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
size_t mpdbg_gate_stop(const mp_raw_code_t *rc, const mp_map_t *bp_lines, uint32_t line_bits, mp_uint_t *bp_line);
#endif

// guard(fn, report), in guard.c.
MP_DECLARE_CONST_FUN_OBJ_2(mpdbg_guard_obj);

// filter(calls, tracer[, bps, line_tracer]), in filter.c.
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_filter_obj);

// stdin(fill), in stdin.c.
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_stdin_obj);

// Attach over the REPL link without a restart (wake.c): ports that pass
// their received bytes through mpdbg_wake_rx() define MICROPY_MPDBG_WAKE.
#ifndef MICROPY_MPDBG_WAKE
#define MICROPY_MPDBG_WAKE (0)
#endif
int mpdbg_arm_innermost(mp_obj_t callback, mp_obj_t *prev);
#if MICROPY_MPDBG_WAKE
MP_DECLARE_CONST_FUN_OBJ_0(mpdbg_wake_sequence_obj);
#endif

// sha256(data), in sha256.c.
MP_DECLARE_CONST_FUN_OBJ_1(mpdbg_sha256_obj);

#endif // MPDBG_MODULE_MPDBG_H
