// Gating a breakpointed frame's line events (core patch 0011).
//
// While the program runs with breakpoints (no step, no pause), a frame
// traced for a breakpoint needs the `line` events of its breakpoint lines
// only. At each other event, the filter gates the frame: the VM then runs
// the code around it with no tick at all, up to the next breakpoint line.
//
// At a line without a breakpoint the gate is the run of lines without one
// around it. At a breakpoint line whose condition was false, the gate starts
// just after the instruction the event came at, and covers the rest of the
// line and the run after it: the loop's jump back to the line then raises
// its `line` event again (the first instruction outside a gate always does),
// and the iteration costs one event. That is exact only when nothing jumps
// into the rest of the line from elsewhere (its event would be lost) and
// the line does not jump back to its own start (an event too many); the
// bytecode's jumps are checked once per place, else the line is not gated.
// Either way every breakpoint line's event is the VM's own.
#include "mpdbg.h"

#if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)

static bool wanted(const mp_map_t *bp_lines, uint32_t line_bits, size_t line) {
    return ((line_bits >> (line & 31)) & 1)
           && mp_map_lookup((mp_map_t *)bp_lines, MP_OBJ_NEW_SMALL_INT(line), MP_MAP_LOOKUP) != NULL;
}

// The jump target of the instruction at ip (an offset from opcodes), if it
// has one; *anywhere tells whether control arrives there from other
// instructions than this one (an exception handler, a finally's end).
static bool jump_target(const byte *ip, const byte *opcodes, size_t *target, bool *anywhere) {
    byte op = *ip;
    if (MP_BC_FORMAT(op) != MP_BC_FORMAT_OFFSET) {
        return false;
    }
    const byte *p = ip + 1;
    bool two = p[0] & 0x80;
    size_t offset = two ? ((p[0] & 0x7f) | (p[1] << 7)) : p[0];
    p += two ? 2 : 1;
    if (op <= MP_BC_POP_JUMP_IF_FALSE) { // the signed ones
        offset -= two ? 0x4000 : 0x40;
    }
    *target = (p - opcodes) + offset;
    *anywhere = op == MP_BC_UNWIND_JUMP || (op >= MP_BC_SETUP_WITH && op <= MP_BC_SETUP_FINALLY);
    return true;
}

// Whether the gate [at + 1, ...) of a breakpoint line whose run of entries
// is [lo, hi) loses or adds no event of it (see the top of this file).
static bool exact(const mp_raw_code_t *rc, size_t at, size_t lo, size_t hi) {
    const byte *opcodes = rc->prelude.opcodes;
    const byte *end = (const byte *)rc->fun_data + rc->fun_data_len;
    if (end <= opcodes) {
        return false; // the code's length is unknown: its jumps cannot be checked
    }
    for (const byte *ip = opcodes; ip < end; ip += mpdbg_op_size(ip)) {
        size_t s = ip - opcodes, t;
        bool anywhere;
        if (!jump_target(ip, opcodes, &t, &anywhere)) {
            continue;
        }
        if (t > at && t < hi && (anywhere || s < lo || s >= hi)) {
            return false; // into the gated rest of the line, from outside it
        }
        if (!anywhere && s >= at && s < hi && t >= lo && t <= at) {
            return false; // from the rest of the line back to its start
        }
    }
    return true;
}

// Finding the gate of a frame at bytecode offset `at` from the runs of
// line-table entries of one class (0: no breakpoint, else the breakpoint's
// line), in order.
typedef struct {
    mpdbg_gate_t *g;
    const mp_raw_code_t *rc;
    size_t at;
    size_t bp_lo, bp_hi; // the breakpoint line's run holding `at`, if bp_hi
} finder_t;

static void gate_rest_of_line(finder_t *f, size_t hi) {
    if (exact(f->rc, f->at, f->bp_lo, f->bp_hi)) {
        f->g->lo = f->at + 1;
        f->g->hi = hi < UINT16_MAX ? hi : UINT16_MAX;
    }
}

// A run [lo, hi) of class cls: true when the gate is found.
static bool run(finder_t *f, size_t lo, size_t hi, size_t cls) {
    if (f->bp_hi != 0) {
        // The run after the breakpoint line's: gated too if it has none.
        gate_rest_of_line(f, cls == 0 ? hi : f->bp_hi);
        return true;
    }
    if (f->at >= hi) {
        return false;
    }
    if (cls == 0) {
        f->g->lo = lo;
        f->g->hi = hi < UINT16_MAX ? hi : UINT16_MAX;
        return true;
    }
    f->bp_lo = lo;
    f->bp_hi = hi;
    return false;
}

static void compute(mpdbg_gate_t *g, const mp_raw_code_t *rc, const mp_map_t *bp_lines, uint32_t line_bits, size_t at) {
    finder_t f = {g, rc, at, 0, 0};
    g->at = at + 1;
    g->lo = g->hi = 0;
    const byte *info = rc->prelude.line_info;
    const byte *top = rc->prelude.line_info_top;
    size_t start = 0, line = 1;
    size_t run_lo = 0, run_class = SIZE_MAX;
    for (;;) {
        // The entry from `start` has `line`: up to its end, or for ever
        // after the table's last entry. Empty entries only move the line.
        bool last = info >= top;
        mp_code_lineinfo_t d = {0, 0};
        if (!last) {
            d = mp_bytecode_decode_lineinfo(&info);
        }
        if (last || d.bc_increment > 0) {
            size_t cls = wanted(bp_lines, line_bits, line) ? line : 0;
            if (cls != run_class) {
                if (run_class != SIZE_MAX && run(&f, run_lo, start, run_class)) {
                    return;
                }
                run_lo = start;
                run_class = cls;
            }
        }
        if (last) {
            break;
        }
        start += d.bc_increment;
        line += d.line_increment;
    }
    if (!run(&f, run_lo, SIZE_MAX, run_class) && f.bp_hi != 0) {
        gate_rest_of_line(&f, f.bp_hi);
    }
}

#if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
// The stop gate (core patch 0013) of a code object whose only breakpoint
// line is entered at its first instruction only, from elsewhere: then all
// but that instruction can run without a tick, across FOR_ITER's line
// resets, provided the line holds no FOR_ITER (whose reset raises its event
// again at the next instruction) and does not jump back to its own start
// (which raises none).
static size_t stop_of(const mp_raw_code_t *rc, size_t lo, size_t hi) {
    const byte *opcodes = rc->prelude.opcodes;
    const byte *end = (const byte *)rc->fun_data + rc->fun_data_len;
    if (end <= opcodes || lo >= UINT16_MAX - 1) {
        return 0;
    }
    for (const byte *ip = opcodes; ip < end; ip += mpdbg_op_size(ip)) {
        size_t s = ip - opcodes, t;
        bool anywhere, inside = s >= lo && s < hi;
        if (inside && *ip == MP_BC_FOR_ITER) {
            return 0;
        }
        if (!jump_target(ip, opcodes, &t, &anywhere) || t < lo || t >= hi) {
            continue;
        }
        if (anywhere || (inside ? t == lo : t != lo)) {
            return 0;
        }
    }
    return lo + 1;
}

size_t mpdbg_gate_stop(const mp_raw_code_t *rc, const mp_map_t *bp_lines, uint32_t line_bits, mp_uint_t *bp_line) {
    const byte *info = rc->prelude.line_info;
    const byte *top = rc->prelude.line_info_top;
    size_t start = 0, line = 1;
    size_t lo = 0, hi = 0;
    *bp_line = 0;
    for (;;) {
        bool last = info >= top;
        mp_code_lineinfo_t d = {SIZE_MAX, 0};
        if (!last) {
            d = mp_bytecode_decode_lineinfo(&info);
        }
        if (d.bc_increment > 0 && wanted(bp_lines, line_bits, line)) {
            if (*bp_line == 0) {
                *bp_line = line;
                lo = start;
            } else if (line != *bp_line || start != hi) {
                return 0; // two breakpoint lines, or one line in two runs
            }
            hi = last ? SIZE_MAX : start + d.bc_increment;
        }
        if (last) {
            break;
        }
        start += d.bc_increment;
        line += d.line_increment;
    }
    return *bp_line != 0 ? stop_of(rc, lo, hi) : 0;
}
#endif

void mpdbg_gate(mp_obj_frame_t *frame, mpdbg_gate_t cache[MPDBG_GATES], const mp_map_t *bp_lines, uint32_t line_bits) {
    const mp_raw_code_t *rc = FRAME_RC(frame);
    size_t at = frame->code_state->ip - rc->prelude.opcodes;
    if (at >= UINT16_MAX - 1) {
        return;
    }
    mpdbg_gate_t *g = &cache[0];
    if (g->at != at + 1) {
        g = &cache[1];
        if (g->at != at + 1) {
            // The newest first: a loop alternates between two places at most.
            cache[1] = cache[0];
            g = &cache[0];
            compute(g, rc, bp_lines, line_bits, at);
        }
    }
    if (g->lo < g->hi) {
        mp_prof_frame_gate(frame, g->lo, g->hi);
    }
}

#endif
