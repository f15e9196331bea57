// _mpdbg.guard(fn, report): the trace callable the agent gives the VM in
// place of its Python function `fn`, for two things only C can do cheaply.
//
// Nothing escapes it. A trace function that raises at an `exception` event
// leaves the traced frame without unlinking its code state on firmware
// without core patch 0010 (the VM gives that event where no nlr context
// catches), and the next walk of the frames reads a dead C stack; a raise
// at any event switches tracing off for good on firmware without 0005. At
// the stack limit even the call of `fn` raises (RecursionError), before any
// of the agent's code runs, so the agent cannot catch that itself. The
// guard keeps the exception and gives it to `report` at the next event that
// has room for it; the event it happened at gets None (a `call` then runs
// untraced). SystemExit, the agent's way to end the program, goes through.
//
// A resumed generator's duplicate `line` event is dropped. MicroPython gives
// a `call` event at every resume of a generator and then, because the frame's
// last line is cleared after a `call`, a `line` event for the `yield` line
// it resumes in; CPython gives none, and a breakpoint there must not hit
// again. The duplicate is the next event of that frame at the very ip it
// resumed at: remembered at the `call`, compared at the next `line`.
#include "py/objfun.h"
#include "py/runtime.h"

#include "mpdbg.h"

// The last resume seen at a `call` event: the frame and its ip. Only compared
// with, never dereferenced, and cleared by the next `line` event.
const mp_obj_frame_t *mpdbg_resumed_frame;
static const byte *resumed_ip;

void mpdbg_resume_note(mp_obj_frame_t *frame) {
    const mp_code_state_t *cs = frame->code_state;
    mpdbg_resumed_frame = NULL;
    // A call starts at the first opcode; a resume continues after a yield
    // (or at its `yield from`, which runs again).
    if (cs != NULL && cs->frame == frame && mpdbg_is_resume(cs)) {
        mpdbg_resumed_frame = frame;
        resumed_ip = cs->ip;
    }
}

bool mpdbg_resume_duplicate_check(mp_obj_frame_t *frame) {
    bool dup = frame == mpdbg_resumed_frame && frame->code_state->ip == resumed_ip;
    mpdbg_resumed_frame = NULL;
    return dup;
}

typedef struct {
    mp_obj_base_t base;
    mp_obj_t fn;
    mp_obj_t report;
} guard_obj_t;

// Calls fn(args) and returns its result, or MP_OBJ_NULL when it raised
// (the exception is then kept in *lost). SystemExit goes through.
static mp_obj_t call_caught(mp_obj_t fn, size_t n_args, const mp_obj_t *args, mp_obj_t *lost) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t r = mp_call_function_n_kw(fn, n_args, 0, args);
        nlr_pop();
        return r;
    }
    mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_SystemExit))) {
        nlr_jump(nlr.ret_val);
    }
    *lost = exc;
    return MP_OBJ_NULL;
}

static mp_obj_t guard_call(mp_obj_t self_in, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    guard_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_arg_check_num(n_args, n_kw, 3, 3, false);
    if (MP_STATE_VM(mpdbg_lost) != MP_OBJ_NULL) {
        // Report what an earlier event lost, now that there may be room.
        mp_obj_t lost = MP_STATE_VM(mpdbg_lost);
        mp_obj_t again = MP_OBJ_NULL;
        MP_STATE_VM(mpdbg_lost) = MP_OBJ_NULL;
        if (call_caught(self->report, 1, &lost, &again) == MP_OBJ_NULL) {
            MP_STATE_VM(mpdbg_lost) = lost;
        }
    }
    bool is_frame = mp_obj_is_type(args[0], &mp_type_frame);
    if (is_frame && args[1] == MP_OBJ_NEW_QSTR(MP_QSTR_line) && mpdbg_resume_duplicate(MP_OBJ_TO_PTR(args[0]))) {
        return mp_const_none;
    }
    mp_obj_t lost = MP_OBJ_NULL;
    mp_obj_t r = call_caught(self->fn, 3, args, &lost);
    if (r == MP_OBJ_NULL) {
        if (MP_STATE_VM(mpdbg_lost) == MP_OBJ_NULL) {
            MP_STATE_VM(mpdbg_lost) = lost;
        }
        return mp_const_none;
    }
    if (is_frame && args[1] == MP_OBJ_NEW_QSTR(MP_QSTR_call) && r != mp_const_none) {
        mpdbg_resume_note(MP_OBJ_TO_PTR(args[0]));
    }
    return r;
}

static MP_DEFINE_CONST_OBJ_TYPE(guard_type, MP_QSTR_guard, MP_TYPE_FLAG_NONE, call, guard_call);

static mp_obj_t mpdbg_guard(mp_obj_t fn, mp_obj_t report) {
    if (!mp_obj_is_callable(fn) || !mp_obj_is_callable(report)) {
        mp_raise_TypeError(MP_ERROR_TEXT("guard(callable, callable)"));
    }
    guard_obj_t *g = mp_obj_malloc(guard_obj_t, &guard_type);
    g->fn = fn;
    g->report = report;
    return MP_OBJ_FROM_PTR(g);
}
MP_DEFINE_CONST_FUN_OBJ_2(mpdbg_guard_obj, mpdbg_guard);

MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_lost);
