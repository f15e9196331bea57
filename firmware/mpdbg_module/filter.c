// _mpdbg.filter(calls, tracer[, bps, line_tracer]): a callable for
// sys.settrace that decides in C, with no allocation, which trace events
// need the Python agent.
//
// A `call` needs it only when calls[frame's file] holds the code object's
// line of definition (or 0). With firmware that has our call-filter patch,
// that decision is made before the VM allocates anything for the call; on
// stock firmware, after it made the frame object.
//
// Without `bps` the tracer is called for the calls that pass. With `bps`
// ({file: {line: [condition code or None, slot names, fast, text]}}) the
// filter itself becomes the frame's local trace function: a `line` event
// reaches `line_tracer` only on a breakpoint line, and a condition is first
// tried in C through `fast`, a lambda taking the slot values by the slots'
// names (the agent makes it at the condition's first run); `line_tracer`
// then gets arg=True, meaning "the condition held". While another trace
// function is set (stepping, pausing), every event goes to `line_tracer`.
// With `resumes` true (a step over or out), a generator resumed by its
// consumer gets `line_tracer` as its local trace function.
//
// With our event-filter patch these decisions are taken before the VM calls
// anything, so an event that the agent would ignore costs no Python call;
// with our line-gate patch the frame is then gated up to the next line that
// may stop it (gate.c), so that the code between costs no event at all.
//
// The dicts must not change while the filter is installed: the agent makes
// a new filter whenever its breakpoints change.
#include <string.h>

#include "py/objfun.h"
#include "py/objlist.h"
#include "py/runtime.h"

#include "mpdbg.h"

typedef struct {
    mp_obj_base_t base;
    mp_obj_t calls;
    mp_obj_t tracer;
    mp_obj_t bps;
    mp_obj_t line_tracer;
    bool resumes; // stepping over or out: resumed generators go to line_tracer
} filter_obj_t;

static const mp_obj_type_t filter_type;

static mp_map_t *dict_map_at(mp_obj_t dict, mp_obj_t key) {
    mp_map_elem_t *e = mp_map_lookup(mp_obj_dict_get_map(dict), key, MP_MAP_LOOKUP);
    return e != NULL && mp_obj_is_type(e->value, &mp_type_dict) ? mp_obj_dict_get_map(e->value) : NULL;
}

// What a filter decided about a code object, so that a hot call or line
// costs no dict lookup by file. Cleared when a filter is made, the only time
// a filter's address can be reused.
typedef struct {
    const void *filter;
    const mp_raw_code_t *rc;
    const void *fun_data;
    bool wanted; // calls of this code need the agent
    uint32_t line_bits; // bit (line % 32) of each breakpoint line in the file
    mp_map_t *bp_lines; // those breakpoints ({line: fields}), or NULL
    mp_uint_t hit_line; // the breakpoint line last hit in this code, and its fields
    mp_obj_t hit_fields;
    // hit_line's condition lambda as C studied it, once C decided it
    // without a runtime call (a comparison of small ints): the next events
    // of the line take the short way (quick_breakpoint).
    mp_obj_t hit_fast;
    const mpdbg_condition_t *hit_quick;
    #if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)
    mpdbg_gate_t gates[MPDBG_GATES]; // where frames of this code were gated
    #endif
    #if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
    size_t stop; // the code's stop gate (mpdbg_gate_stop), once stop_known
    mp_uint_t stop_line;
    bool stop_known;
    #endif
} decision_t;

#if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
static MP_NOINLINE void find_stop(decision_t *d) {
    d->stop = d->bp_lines == NULL ? 0 : mpdbg_gate_stop(d->rc, d->bp_lines, d->line_bits, &d->stop_line);
    d->stop_known = true;
}

// Gates a frame of d's code with its stop gate, if it has one.
static inline bool gate_stop(mp_obj_frame_t *frame, decision_t *d) {
    if (!d->stop_known) {
        find_stop(d);
    }
    if (d->stop == 0) {
        return false;
    }
    mp_prof_frame_gate_stop(frame, d->stop - 1);
    return true;
}
#endif

// A frame that gets no event at this line while the program runs gets none
// up to the next line that may stop it (core patch 0011). Only the VM's own
// events (live) come with the frame's running instruction.
static inline void gate(mp_obj_frame_t *frame, decision_t *d, bool live) {
    #if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)
    if (live) {
        #if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
        if (gate_stop(frame, d)) {
            return;
        }
        #endif
        mpdbg_gate(frame, d->gates, d->bp_lines, d->line_bits);
    }
    #else
    (void)frame;
    (void)d;
    (void)live;
    #endif
}

#define DECISIONS (64)
static decision_t decisions[DECISIONS];

static MP_NOINLINE decision_t *decide_anew(decision_t *d, filter_obj_t *self, const mp_module_context_t *context, const mp_raw_code_t *rc) {
    mp_obj_t file = MP_OBJ_NEW_QSTR(MP_CODE_QSTR_MAP(context, 0));
    mp_map_t *calls = dict_map_at(self->calls, file);
    d->wanted = calls != NULL
                && (mp_map_lookup(calls, MP_OBJ_NEW_SMALL_INT(mpdbg_definition_line(rc)), MP_MAP_LOOKUP) != NULL
                    || mp_map_lookup(calls, MP_OBJ_NEW_SMALL_INT(0), MP_MAP_LOOKUP) != NULL);
    d->bp_lines = self->bps == MP_OBJ_NULL ? NULL : dict_map_at(self->bps, file);
    d->line_bits = 0;
    for (size_t i = 0; d->bp_lines != NULL && i < d->bp_lines->alloc; i++) {
        if (mp_map_slot_is_filled(d->bp_lines, i) && mp_obj_is_small_int(d->bp_lines->table[i].key)) {
            d->line_bits |= (uint32_t)1 << (MP_OBJ_SMALL_INT_VALUE(d->bp_lines->table[i].key) & 31);
        }
    }
    d->hit_line = 0;
    d->hit_fields = MP_OBJ_NULL;
    d->hit_fast = MP_OBJ_NULL;
    #if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)
    memset(d->gates, 0, sizeof(d->gates));
    #endif
    #if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
    d->stop_known = false;
    #endif
    d->filter = self;
    d->rc = rc;
    d->fun_data = rc->fun_data;
    return d;
}

// Where the decision about `rc` is kept.
static inline decision_t *decisions_of(const mp_raw_code_t *rc) {
    return &decisions[((uintptr_t)rc >> 4) % DECISIONS];
}

// Every traced event asks this: inline, and cheap when decided before.
static inline decision_t *decide(filter_obj_t *self, const mp_module_context_t *context, const mp_raw_code_t *rc) {
    decision_t *d = decisions_of(rc);
    if (d->filter == self && d->rc == rc && d->fun_data == rc->fun_data) {
        return d;
    }
    return decide_anew(d, self, context, rc);
}

// Runs a breakpoint's fast condition on the frame's slots. Returns false
// when the condition is false; true when it held or cannot be decided here
// (*decided tells which).
static bool fast_condition(mp_obj_frame_t *frame, mp_obj_t fast, mp_obj_t names, bool *decided, decision_t *d) {
    *decided = false;
    mp_code_state_t *cs = mpdbg_find_live(frame);
    size_t n;
    mp_obj_t *items;
    if (!mp_obj_is_type(names, &mp_type_list) && !mp_obj_is_type(names, &mp_type_tuple)) {
        return true;
    }
    mp_obj_get_array(names, &n, &items);
    if (cs == NULL || n > MPDBG_CONDITION_MAX_ARGS || n > cs->n_state) {
        return true;
    }
    const mpdbg_condition_t *c = mpdbg_condition_study(fast, n);
    const mp_obj_t *top = &cs->state[cs->n_state - 1];
    bool held;
    if (mpdbg_condition_quick(c, fast, top, &held)) {
        *decided = true;
        if (mp_obj_is_type(d->hit_fields, &mp_type_list)) {
            d->hit_fast = fast;
            d->hit_quick = c;
        }
        return held;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        bool unbound;
        mp_obj_t value = mpdbg_condition_eval(c, n, top, &unbound);
        if (unbound) {
            // It may use an unbound local: the Python path raises
            // NameError as CPython would.
            nlr_pop();
            return true;
        }
        held = mp_obj_is_true(value);
        nlr_pop();
        *decided = true;
        return held;
    }
    return true; // it raised: the Python path reports it and stops
}

// A `call` event: whether the agent wants the frame traced, and how.
static MP_NOINLINE mp_obj_t route_call(filter_obj_t *self, mp_obj_frame_t *frame, mp_obj_t *arg, bool live) {
    decision_t *d = decide(self, FRAME_CONTEXT(frame), FRAME_RC(frame));
    if (!d->wanted) {
        *arg = mp_const_none;
        if (self->resumes && self->line_tracer != MP_OBJ_NULL && mpdbg_is_resume(frame->code_state)) {
            // A step over or out goes on in a generator resumed by its
            // consumer: the agent decides by depth at its lines.
            *arg = self->line_tracer;
            mpdbg_resume_note(frame);
        }
        return MP_OBJ_NULL;
    }
    if (self->bps == MP_OBJ_NULL) {
        return self->tracer;
    }
    *arg = MP_OBJ_FROM_PTR(self); // the frame's local trace function
    #if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
    // A call (not a resume: its duplicate `line` must come) runs gated
    // from its first instruction when its code has a stop gate.
    if (live && !mpdbg_is_resume(frame->code_state) && gate_stop(frame, d)) {
        #if defined(MICROPY_PY_SYS_SETTRACE_CALL_GATED)
        // The same for every fresh call of this code while this filter is
        // set: the core makes it with no event (our call-gated patch).
        mp_prof_mark_call_gated(frame->code_state, d->stop - 1);
        #endif
    }
    #else
    (void)live;
    #endif
    mpdbg_resume_note(frame);
    return MP_OBJ_NULL;
}

// A `line` event on a line that may hold a breakpoint of `current`.
static MP_NOINLINE mp_obj_t route_breakpoint(filter_obj_t *current, decision_t *d, mp_obj_frame_t *frame, mp_obj_t *arg, bool live) {
    mp_uint_t line = frame->lineno;
    if (line != d->hit_line) {
        mp_map_elem_t *bp = mp_map_lookup(d->bp_lines, MP_OBJ_NEW_SMALL_INT(line), MP_MAP_LOOKUP);
        if (bp == NULL) {
            gate(frame, d, live);
            return MP_OBJ_NULL;
        }
        d->hit_line = line;
        d->hit_fields = bp->value;
        d->hit_fast = MP_OBJ_NULL;
    }
    size_t n;
    mp_obj_t *fields;
    mp_obj_get_array(d->hit_fields, &n, &fields);
    mp_obj_t held = mp_const_none;
    if (n >= 3 && fields[0] != mp_const_none && mp_obj_is_callable(fields[2])) {
        bool decided;
        if (!fast_condition(frame, fields[2], fields[1], &decided, d)) {
            gate(frame, d, live);
            return MP_OBJ_NULL;
        }
        held = mp_obj_new_bool(decided);
    }
    *arg = held;
    return current->line_tracer;
}

// The short way of a `line` event of the VM (live) at the breakpoint line
// last hit, whose condition C decided quickly there: false when it cannot
// now (route_breakpoint decides), else true with the event's route in *to.
static inline bool quick_breakpoint(filter_obj_t *current, decision_t *d, mp_obj_frame_t *frame, mp_obj_t *arg, mp_obj_t *to) {
    if (d->hit_fast == MP_OBJ_NULL || frame->lineno != d->hit_line) {
        return false;
    }
    // The agent replaces a condition's lambda only in the list itself.
    mp_obj_list_t *fields = MP_OBJ_TO_PTR(d->hit_fields);
    const mp_code_state_t *cs = frame->code_state;
    bool held;
    if (fields->len < 3 || fields->items[2] != d->hit_fast
        || !mpdbg_condition_quick(d->hit_quick, d->hit_fast, &cs->state[cs->n_state - 1], &held)) {
        return false;
    }
    if (held) {
        *arg = mp_const_true;
        *to = current->line_tracer;
    } else {
        gate(frame, d, true);
        *to = MP_OBJ_NULL;
    }
    return true;
}

// Where an event of a frame traced through `self` goes: the callable to
// call with (frame, event, *arg), or MP_OBJ_NULL for none, *arg then being
// the result (the contract of mp_prof_event_filter in py/profile.h).
// Line events of running code come here in the millions: their path is
// kept short.
static inline mp_obj_t route(filter_obj_t *self, mp_obj_frame_t *frame, qstr event, mp_obj_t *arg, bool live) {
    if (event == MP_QSTR_call) {
        return route_call(self, frame, arg, live);
    }
    // A local event of a frame this filter let through.
    if (event == MP_QSTR_line && mpdbg_resume_duplicate(frame)) {
        *arg = MP_OBJ_FROM_PTR(self);
        return MP_OBJ_NULL; // a resumed generator's repeated `yield` line
    }
    mp_obj_t now = MP_STATE_THREAD(prof_trace_callback);
    if (now == MP_OBJ_NULL || self->line_tracer == MP_OBJ_NULL) {
        *arg = mp_const_none; // detached
        return MP_OBJ_NULL;
    }
    if (!mp_obj_is_type(now, &filter_type) || ((filter_obj_t *)MP_OBJ_TO_PTR(now))->bps == MP_OBJ_NULL) {
        return self->line_tracer; // stepping or pausing: the agent sees every event
    }
    filter_obj_t *current = MP_OBJ_TO_PTR(now);
    *arg = MP_OBJ_FROM_PTR(self);
    if (event != MP_QSTR_line) {
        return MP_OBJ_NULL; // return and exception events need nothing while running
    }
    decision_t *d = decide(current, FRAME_CONTEXT(frame), FRAME_RC(frame));
    mp_obj_t to;
    if (live && quick_breakpoint(current, d, frame, arg, &to)) {
        return to;
    }
    if (d->bp_lines == NULL || !((d->line_bits >> (frame->lineno & 31)) & 1)) {
        gate(frame, d, live);
        return MP_OBJ_NULL;
    }
    return route_breakpoint(current, d, frame, arg, live);
}

// As a trace function: the path of firmware without the event-filter patch.
static mp_obj_t filter_call(mp_obj_t self_in, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 3, 3, false);
    if (!mp_obj_is_type(args[0], &mp_type_frame) || !mp_obj_is_qstr(args[1])) {
        return mp_const_none;
    }
    mp_obj_t arg = args[2];
    mp_obj_t to = route(MP_OBJ_TO_PTR(self_in), MP_OBJ_TO_PTR(args[0]), MP_OBJ_QSTR_VALUE(args[1]), &arg, false);
    if (to == MP_OBJ_NULL) {
        return arg;
    }
    mp_obj_t a[3] = {args[0], args[1], arg};
    return mp_call_function_n_kw(to, 3, 0, a);
}

static MP_DEFINE_CONST_OBJ_TYPE(filter_type, MP_QSTR_filter, MP_TYPE_FLAG_NONE, call, filter_call);

#if defined(MICROPY_PY_SYS_SETTRACE_CALL_FILTER)
// What call_filter answers, told to the VM when it holds for every call of
// the code (our call-marks patch): the next calls of a code turned down then
// ask no one, those of a wanted code skip the call filter, while this filter
// stays set (sys.settrace drops the marks). A code turned down is not marked
// while stepping over or out: a resume of it may need the agent then.
static inline bool answer(filter_obj_t *f, const mp_code_state_t *cs, bool wanted) {
    #if defined(MICROPY_PY_SYS_SETTRACE_CALL_MARKS)
    if (wanted || !f->resumes) {
        mp_prof_mark_call(cs, wanted);
    }
    #else
    (void)f;
    (void)cs;
    #endif
    return wanted;
}

static MP_NOINLINE bool call_filter_anew(filter_obj_t *f, const mp_code_state_t *cs) {
    bool wanted = decide(f, cs->fun_bc->context, cs->fun_bc->rc)->wanted;
    if (!wanted && f->resumes && mpdbg_is_resume(cs)) {
        return true; // this resume only
    }
    return answer(f, cs, wanted);
}

// Every call of the program that the VM has no mark for asks this while
// the agent is attached: the path of a code object decided before (no
// breakpoint in it, not stepping) makes no call, so that it saves
// registers for none.
static bool call_filter(const mp_code_state_t *cs) {
    mp_obj_t tracer = MP_STATE_THREAD(prof_trace_callback);
    if (!mp_obj_is_type(tracer, &filter_type)) {
        return true;
    }
    filter_obj_t *f = MP_OBJ_TO_PTR(tracer);
    const mp_raw_code_t *rc = cs->fun_bc->rc;
    const decision_t *d = decisions_of(rc);
    if (d->filter == f && d->rc == rc && d->fun_data == rc->fun_data && !d->wanted && !f->resumes) {
        return answer(f, cs, false);
    }
    return call_filter_anew(f, cs);
}
#endif

#if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
// The breakpoint of the stop gate last reached whose condition C decides
// quickly: a hot loop's every iteration asks gate_filter about it.
static struct {
    const void *filter;
    const mp_raw_code_t *rc;
    const void *fun_data;
    mp_obj_list_t *fields; // the breakpoint's, whose fields[2] is fast
    mp_obj_t fast;
    mpdbg_quick_t quick;
} stop_seen;

static MP_NOINLINE bool gate_filter_anew(mp_obj_frame_t *frame) {
    const mp_raw_code_t *rc = FRAME_RC(frame);
    const decision_t *d = &decisions[((uintptr_t)rc >> 4) % DECISIONS];
    if (frame->gated != MP_PROF_GATE_STOP || d->rc != rc || d->fun_data != rc->fun_data || d->filter != MP_OBJ_TO_PTR(MP_STATE_THREAD(prof_trace_callback))
        || d->hit_fast == MP_OBJ_NULL || d->hit_line != d->stop_line) {
        return false;
    }
    const mpdbg_quick_t *q = mpdbg_condition_quick_form(d->hit_quick, d->hit_fast);
    if (q == NULL) {
        return false;
    }
    stop_seen.filter = d->filter;
    stop_seen.rc = rc;
    stop_seen.fun_data = rc->fun_data;
    stop_seen.fields = MP_OBJ_TO_PTR(d->hit_fields);
    stop_seen.fast = d->hit_fast;
    stop_seen.quick = *q;
    return true;
}

// A frame with a stop gate reached it: whether the breakpoint there does not
// stop, decided as quick_breakpoint would with no event (its condition C
// decided quickly before, false now); else its event takes the usual way.
// The trace function now is the filter that gated the frame: sys.settrace()
// ungates every running frame, a generator's resume its own.
static bool gate_filter(mp_obj_frame_t *frame) {
    const mp_raw_code_t *rc = FRAME_RC(frame);
    if (MP_UNLIKELY(rc != stop_seen.rc || frame->gated != MP_PROF_GATE_STOP || rc->fun_data != stop_seen.fun_data
                    || stop_seen.filter != MP_OBJ_TO_PTR(MP_STATE_THREAD(prof_trace_callback)))
        && !gate_filter_anew(frame)) {
        return false;
    }
    // The agent replaces a condition's lambda only in the list itself.
    if (stop_seen.fields->len < 3 || stop_seen.fields->items[2] != stop_seen.fast) {
        return false;
    }
    const mp_code_state_t *cs = frame->code_state;
    return mpdbg_quick_false(&stop_seen.quick, &cs->state[cs->n_state - 1]);
}
#endif

#if defined(MICROPY_PY_SYS_SETTRACE_EVENT_FILTER)
static mp_obj_t event_filter(mp_obj_frame_t *frame, qstr event, mp_obj_t callback, mp_obj_t *arg) {
    if (!mp_obj_is_type(callback, &filter_type)) {
        return callback;
    }
    return route(MP_OBJ_TO_PTR(callback), frame, event, arg, true);
}
#endif

static mp_obj_t mpdbg_filter(size_t n_args, const mp_obj_t *args) {
    if (!mp_obj_is_type(args[0], &mp_type_dict) || !mp_obj_is_callable(args[1])
        || (n_args >= 4 && (!mp_obj_is_type(args[2], &mp_type_dict) || !mp_obj_is_callable(args[3])))
        || n_args == 3) {
        mp_raise_TypeError(MP_ERROR_TEXT("filter(dict, callable[, dict, callable[, resumes]])"));
    }
    filter_obj_t *f = mp_obj_malloc(filter_obj_t, &filter_type);
    f->calls = args[0];
    f->tracer = args[1];
    f->bps = n_args >= 4 ? args[2] : MP_OBJ_NULL;
    f->line_tracer = n_args >= 4 ? args[3] : MP_OBJ_NULL;
    f->resumes = n_args == 5 && mp_obj_is_true(args[4]);
    memset(decisions, 0, sizeof(decisions));
    #if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
    memset(&stop_seen, 0, sizeof(stop_seen));
    #endif
    mpdbg_condition_forget();
    #if defined(MICROPY_PY_SYS_SETTRACE_CALL_FILTER)
    mp_prof_call_filter = call_filter;
    #endif
    #if defined(MICROPY_PY_SYS_SETTRACE_EVENT_FILTER)
    mp_prof_event_filter = event_filter;
    #endif
    #if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
    mp_prof_gate_filter = gate_filter;
    #endif
    return MP_OBJ_FROM_PTR(f);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_filter_obj, 2, 5, mpdbg_filter);
