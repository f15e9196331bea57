// _mpdbg: firmware support for the mpdbg debugger's on-device agent.
//
// Upstream sys.settrace gives frames without locals and cannot reach a frame
// that returned no tracer at its `call` event. This module adds, on stock
// firmware and faster with mpdbg's core patches (firmware/patches):
//
//   UNBOUND               sentinel for an unbound local or an empty cell
//   frames()              live frames, innermost first (the tracer's own
//                         frames, which have no frame object, are left out)
//   depth()               len(frames()), allocating nothing
//   guard(fn, report)     a trace callable that calls fn and lets nothing
//                         but SystemExit escape; report(exc) gets what fn
//                         raised at the next event (guard.c). It also drops
//                         a resumed generator's duplicate `line` event
//   live(frame)           True while the frame's function is running
//   line(frame)           current line of a live frame
//   at(frame)             1 at a yield, 2 at a yield from, 3 at a FOR_ITER,
//                         0 elsewhere (stepping through generators)
//   slots(frame)          local slot values in local_num order, cells
//                         dereferenced, unbound slots as UNBOUND
//   cellmask(frame)       int, bit k set when slot k holds a cell
//   set_slot(frame, k, v) write slot k (through its cell); v=UNBOUND unbinds
//   code_info(frame)      (n_locals, n_pos_args, n_kwonly_args, flags,
//                          argnames, n_state, def_line); flags are the
//                          prelude's bits: 1 generator, 2 **kw, 4 *args
//   arm(frame, cb, fresh=True)
//                         give a running frame the trace callback cb (None
//                         disarms); when fresh, the next instruction raises a
//                         `line` event even on the same line
//   watch(stream, cb, ms) while the program runs untraced, when input is
//                         pending on `stream`, arm the innermost frame with cb
//                         once and stop watching (event-driven for sys.stdin
//                         on ports that call mpdbg_input_pending(), else
//                         polled every `ms` ms). watch(None) stops. Returns
//                         False where the port has no static scheduler nodes.
//   pack(kind, fields)    bytes of one frame of the device protocol
//   scrub()               zero unused C stack below the caller, so stale
//                         pointers there keep no garbage alive
//   def_line(frame)       the code object's line of definition (any frame,
//                         live or not: it reads only the code object)
//   filter(calls, tracer[, bps, line_tracer])
//                         a sys.settrace callable that calls `tracer` only
//                         for frames whose file and call line are in `calls`
//                         ({file: {def line: ...}}; 0 = every code object);
//                         with `bps`, it also keeps line events away from
//                         Python except on breakpoint lines (filter.c;
//                         conditions in condition.c)
//   keep_unwound(on), unwound(exc)
//                         with core patch 0009: the frames an exception
//                         left, with their slots as it left them (below)
//   deadline(ms, stream)  interrupt (KeyboardInterrupt) what the agent runs
//                         for the host after ms, or when `stream` has input;
//                         deadline(0) ends it
//   sha256(data)          the SHA-256 digest of data (the attach handshake)
//   stdin(fill)           serve the program's stdin from fill() while the
//                         debugger owns the link (stdin.c); stdin(None) stops
//   wake_sequence()       the bytes a host sends on the REPL link to attach
//                         to a program that runs without the debugger
//                         (wake.c)
//   FEATURES              bits: which of mpdbg's core patches are built in
//
// Safety: a frame object outlives its function, and its code_state then
// points at freed or reused memory. Every call that needs the code state
// first finds it on the live chain (MP_STATE_THREAD(current_code_state) and
// prev_state links) and checks that the state still belongs to this frame
// object; otherwise it raises ValueError. Nothing is read through a stale
// pointer.
#include <string.h>

#include "py/bc.h"
#include "py/bc0.h"
#include "py/gc.h"
#include "py/mphal.h"
#include "py/objfun.h"
#include "py/objstr.h"
#include "py/profile.h"
#include "py/runtime.h"
#include "py/stream.h"

#include "mpdbg.h"
#include "mpdbg_port.h"

// UNBOUND: a unique, printable object.
static void unbound_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    mp_print_str(print, "<unbound>");
}
static MP_DEFINE_CONST_OBJ_TYPE(unbound_type, MP_QSTR_unbound, MP_TYPE_FLAG_NONE, print, unbound_print);
static const mp_obj_base_t unbound_obj = {&unbound_type};
#define UNBOUND MP_OBJ_FROM_PTR(&unbound_obj)

// The cell type is private to py/objcell.c; learn it from a cell we make once.
static const mp_obj_type_t *cell_type;
bool mpdbg_is_cell(mp_obj_t o) {
    if (cell_type == NULL) {
        cell_type = mp_obj_get_type(mp_obj_new_cell(MP_OBJ_NULL));
    }
    return o != MP_OBJ_NULL && mp_obj_is_obj(o) && mp_obj_get_type(o) == cell_type;
}

// The frame object of a running code state, or NULL. With the lazy-frames
// patch it is made now (untraced code has none); stock firmware made one at
// every call.
static mp_obj_frame_t *state_frame(mp_code_state_t *cs) {
    #if defined(MICROPY_PY_SYS_SETTRACE_LAZY_FRAMES)
    mp_prof_frame_get(cs);
    #endif
    return cs->frame;
}

// The program's innermost code state. Inside a trace callback the callback's
// own code runs above it, and that code never has frame objects (the VM makes
// none while a callback runs), so skip to the first state that has one.
static mp_code_state_t *program_top(void) {
    mp_code_state_t *cs = MP_STATE_THREAD(current_code_state);
    if (mp_prof_is_executing) {
        while (cs != NULL && cs->frame == NULL) {
            cs = cs->prev_state;
        }
    }
    return cs;
}

static mp_obj_frame_t *get_frame(mp_obj_t frame_in) {
    if (!mp_obj_is_type(frame_in, &mp_type_frame)) {
        mp_raise_TypeError(MP_ERROR_TEXT("expected a frame"));
    }
    return MP_OBJ_TO_PTR(frame_in);
}

// A code object's line of definition: what a frame reports at the `call`
// event of its first entry (a generator reports its yield line on resumes).
// The module has none recorded: its first line with code, as the VM reports.
mp_uint_t mpdbg_definition_line(const mp_raw_code_t *rc) {
    return rc->line_of_definition ? rc->line_of_definition : mp_prof_bytecode_lineno(rc, 0);
}

static mp_obj_t mpdbg_def_line(mp_obj_t frame_in) {
    mp_obj_frame_t *frame = get_frame(frame_in);
    return MP_OBJ_NEW_SMALL_INT(mpdbg_definition_line(FRAME_RC(frame)));
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_def_line_obj, mpdbg_def_line);

// The code state of a frame that is still running, or NULL.
mp_code_state_t *mpdbg_find_live(mp_obj_frame_t *frame) {
    for (mp_code_state_t *cs = MP_STATE_THREAD(current_code_state); cs != NULL; cs = cs->prev_state) {
        if (cs == frame->code_state && cs->frame == frame) {
            return cs;
        }
    }
    return NULL;
}

static mp_code_state_t *live_state(mp_obj_t frame_in) {
    mp_code_state_t *cs = mpdbg_find_live(get_frame(frame_in));
    if (cs == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("frame is not running"));
    }
    return cs;
}

// Everything the prelude of a code object says, decoded once per call.
typedef struct {
    size_t n_state, n_pos_args, n_kwonly_args, scope_flags;
    size_t n_locals;
    const byte *argnames; // var-uint qstr indices, n_pos_args + n_kwonly_args of them
} code_facts_t;

// The number of locals is not stored anywhere: it is one more than the
// highest local index that the parameters, the cell list or any
// LOAD/STORE/DELETE_FAST/DEREF opcode uses.
static void decode_code(const mp_raw_code_t *rc, code_facts_t *f) {
    const byte *ip = rc->fun_data;
    MP_BC_PRELUDE_SIG_DECODE(ip);
    f->n_state = n_state;
    f->n_pos_args = n_pos_args;
    f->n_kwonly_args = n_kwonly_args;
    f->scope_flags = scope_flags;
    MP_BC_PRELUDE_SIZE_DECODE(ip);
    const byte *info = ip;
    mpdbg_decode_uint(&ip); // block name
    f->argnames = ip;

    size_t n = n_pos_args + n_kwonly_args;
    n += (scope_flags & MP_SCOPE_FLAG_VARARGS) ? 1 : 0;
    n += (scope_flags & MP_SCOPE_FLAG_VARKEYWORDS) ? 1 : 0;
    const byte *cells = info + n_info;
    for (const byte *c = cells; c < cells + n_cell; c++) {
        if ((size_t)*c + 1 > n) {
            n = *c + 1;
        }
    }
    const byte *code = cells + n_cell;
    const byte *end = (const byte *)rc->fun_data + rc->fun_data_len;
    for (; code < end; code += mpdbg_op_size(code)) {
        byte op = *code;
        size_t local = (size_t)-1;
        if (op >= MP_BC_LOAD_FAST_MULTI && op < MP_BC_LOAD_FAST_MULTI + MP_BC_LOAD_FAST_MULTI_NUM) {
            local = op - MP_BC_LOAD_FAST_MULTI;
        } else if (op >= MP_BC_STORE_FAST_MULTI && op < MP_BC_STORE_FAST_MULTI + MP_BC_STORE_FAST_MULTI_NUM) {
            local = op - MP_BC_STORE_FAST_MULTI;
        } else if (op == MP_BC_LOAD_FAST_N || op == MP_BC_STORE_FAST_N || op == MP_BC_DELETE_FAST
                   || op == MP_BC_LOAD_DEREF || op == MP_BC_STORE_DEREF || op == MP_BC_DELETE_DEREF) {
            const byte *arg = code + 1;
            local = mpdbg_decode_uint(&arg);
        }
        if (local != (size_t)-1 && local + 1 > n) {
            n = local + 1;
        }
    }
    if (n > n_state) {
        n = n_state; // never index outside the state array
    }
    f->n_locals = n;
}

static mp_obj_t slot_value(mp_code_state_t *cs, size_t k) {
    mp_obj_t v = cs->state[cs->n_state - 1 - k];
    if (mpdbg_is_cell(v)) {
        v = mp_obj_cell_get(v);
    }
    return v == MP_OBJ_NULL ? UNBOUND : v;
}

static mp_obj_t mpdbg_frames(void) {
    size_t n = 0;
    mp_code_state_t *top = program_top();
    for (mp_code_state_t *cs = top; cs != NULL; cs = cs->prev_state) {
        n += state_frame(cs) != NULL;
    }
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
    size_t i = 0;
    // The allocations above cannot change the chain: no bytecode ran.
    for (mp_code_state_t *cs = top; cs != NULL && i < n; cs = cs->prev_state) {
        if (cs->frame != NULL) {
            t->items[i++] = MP_OBJ_FROM_PTR(cs->frame);
        }
    }
    return MP_OBJ_FROM_PTR(t);
}
static MP_DEFINE_CONST_FUN_OBJ_0(mpdbg_frames_obj, mpdbg_frames);

// len(frames()), without making a frame object or a tuple: the tracer asks
// at every `exception` event and every line of a step over.
static mp_obj_t mpdbg_depth(void) {
    mp_int_t n = 0;
    for (mp_code_state_t *cs = program_top(); cs != NULL; cs = cs->prev_state) {
        n++;
    }
    return MP_OBJ_NEW_SMALL_INT(n);
}
static MP_DEFINE_CONST_FUN_OBJ_0(mpdbg_depth_obj, mpdbg_depth);

static mp_obj_t mpdbg_live(mp_obj_t frame_in) {
    return mp_obj_new_bool(mpdbg_find_live(get_frame(frame_in)) != NULL);
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_live_obj, mpdbg_live);

static mp_obj_t mpdbg_line(mp_obj_t frame_in) {
    mp_code_state_t *cs = live_state(frame_in);
    const mp_raw_code_t *rc = cs->fun_bc->rc;
    return MP_OBJ_NEW_SMALL_INT(mp_prof_bytecode_lineno(rc, cs->ip - rc->prelude.opcodes));
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_line_obj, mpdbg_line);

// Where a live frame is, for stepping through generators: 1 at a yield (its
// `return` event is a suspension), 2 at a `yield from` (delegating), 3 at a
// FOR_ITER (a loop or comprehension consuming an iterator), 0 elsewhere (a
// call: a generator it runs is consumed by C code such as list()).
static mp_obj_t mpdbg_at(mp_obj_t frame_in) {
    byte op = *live_state(frame_in)->ip;
    return MP_OBJ_NEW_SMALL_INT(op == MP_BC_YIELD_VALUE ? 1 : op == MP_BC_YIELD_FROM ? 2 : op == MP_BC_FOR_ITER ? 3 : 0);
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_at_obj, mpdbg_at);

static mp_obj_t mpdbg_slots(mp_obj_t frame_in) {
    mp_code_state_t *cs = live_state(frame_in);
    code_facts_t f;
    decode_code(cs->fun_bc->rc, &f);
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(mp_obj_new_tuple(f.n_locals, NULL));
    for (size_t k = 0; k < f.n_locals; k++) {
        t->items[k] = slot_value(cs, k);
    }
    return MP_OBJ_FROM_PTR(t);
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_slots_obj, mpdbg_slots);

static mp_obj_t mpdbg_cellmask(mp_obj_t frame_in) {
    mp_code_state_t *cs = live_state(frame_in);
    code_facts_t f;
    decode_code(cs->fun_bc->rc, &f);
    mp_obj_t mask = MP_OBJ_NEW_SMALL_INT(0);
    for (size_t k = 0; k < f.n_locals; k++) {
        if (mpdbg_is_cell(cs->state[cs->n_state - 1 - k])) {
            mp_obj_t bit = mp_binary_op(MP_BINARY_OP_LSHIFT, MP_OBJ_NEW_SMALL_INT(1), MP_OBJ_NEW_SMALL_INT(k));
            mask = mp_binary_op(MP_BINARY_OP_OR, mask, bit);
        }
    }
    return mask;
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_cellmask_obj, mpdbg_cellmask);

static mp_obj_t mpdbg_set_slot(mp_obj_t frame_in, mp_obj_t k_in, mp_obj_t value) {
    mp_code_state_t *cs = live_state(frame_in);
    code_facts_t f;
    decode_code(cs->fun_bc->rc, &f);
    mp_int_t k = mp_obj_get_int(k_in);
    if (k < 0 || (size_t)k >= f.n_locals) {
        mp_raise_msg(&mp_type_IndexError, MP_ERROR_TEXT("no such local slot"));
    }
    if (value == UNBOUND) {
        value = MP_OBJ_NULL;
    }
    mp_obj_t *slot = &cs->state[cs->n_state - 1 - k];
    if (mpdbg_is_cell(*slot)) {
        mp_obj_cell_set(*slot, value);
    } else {
        *slot = value;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(mpdbg_set_slot_obj, mpdbg_set_slot);

static mp_obj_t code_info_of(const mp_obj_fun_bc_t *fun) {
    const mp_raw_code_t *rc = fun->rc;
    const mp_module_context_t *context = fun->context;
    code_facts_t f;
    decode_code(rc, &f);
    size_t n_args = f.n_pos_args + f.n_kwonly_args;
    mp_obj_tuple_t *names = MP_OBJ_TO_PTR(mp_obj_new_tuple(n_args, NULL));
    const byte *ip = f.argnames;
    for (size_t i = 0; i < n_args; i++) {
        names->items[i] = MP_OBJ_NEW_QSTR(MP_CODE_QSTR_MAP(context, mpdbg_decode_uint(&ip)));
    }
    mp_int_t flags = f.scope_flags & (MP_SCOPE_FLAG_GENERATOR | MP_SCOPE_FLAG_VARKEYWORDS | MP_SCOPE_FLAG_VARARGS);
    mp_obj_t items[7] = {
        MP_OBJ_NEW_SMALL_INT(f.n_locals),
        MP_OBJ_NEW_SMALL_INT(f.n_pos_args),
        MP_OBJ_NEW_SMALL_INT(f.n_kwonly_args),
        MP_OBJ_NEW_SMALL_INT(flags),
        MP_OBJ_FROM_PTR(names),
        MP_OBJ_NEW_SMALL_INT(f.n_state),
        MP_OBJ_NEW_SMALL_INT(rc->line_of_definition),
    };
    return mp_obj_new_tuple(7, items);
}

static mp_obj_t mpdbg_code_info(mp_obj_t frame_in) {
    return code_info_of(live_state(frame_in)->fun_bc);
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_code_info_obj, mpdbg_code_info);

static void arm_state(mp_code_state_t *cs, mp_obj_t callback, bool fresh) {
    if (callback == mp_const_none) {
        cs->frame->callback = MP_OBJ_NULL;
        return;
    }
    cs->frame->callback = callback;
    #if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)
    mp_prof_frame_ungate(cs->frame); // the gate served another callback
    #endif
    #if defined(MICROPY_PY_SYS_SETTRACE_GATE_WAKE)
    mp_prof_frame_wake(cs); // it may have passed its stop gate's stop
    #endif
    if (fresh) {
        // The VM raises `line` only when the line differs from the last one seen.
        #if defined(MICROPY_PY_SYS_SETTRACE_LINE_RANGE)
        mp_prof_frame_line_reset(cs->frame);
        #else
        cs->frame->lineno = 0;
        #endif
    }
}

// For wake.c: arms the program's innermost running frame with `callback`
// (fresh); *prev gets the callback it had. 1: armed; 0: no program runs
// (the board is at its REPL); -1: not now (no memory for its frame
// object), try again later.
int mpdbg_arm_innermost(mp_obj_t callback, mp_obj_t *prev) {
    mp_code_state_t *cs = program_top();
    if (cs == NULL) {
        return 0;
    }
    if (state_frame(cs) == NULL) {
        return -1;
    }
    *prev = cs->frame->callback;
    arm_state(cs, callback, true);
    return 1;
}

static mp_obj_t mpdbg_arm(size_t n_args, const mp_obj_t *args) {
    mp_obj_t callback = args[1];
    if (callback != mp_const_none && !mp_obj_is_callable(callback)) {
        mp_raise_TypeError(MP_ERROR_TEXT("callback must be callable or None"));
    }
    bool fresh = n_args < 3 || mp_obj_is_true(args[2]);
    arm_state(live_state(args[0]), callback, fresh);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_arm_obj, 2, 3, mpdbg_arm);

// pack(kind, fields): one frame of the device protocol (docs/protocol.md):
// magic, length, header check, `kind` then each field as <len>:<bytes> (str
// and int fields as their text), and the payload check. In C so the agent's
// resident code stays small.
static void pack_field(vstr_t *v, mp_obj_t f) {
    const char *data;
    size_t len;
    if (mp_obj_is_str_or_bytes(f)) {
        data = mp_obj_str_get_data(f, &len);
        vstr_printf(v, "%u:", (unsigned)len);
        vstr_add_strn(v, data, len);
        return;
    }
    vstr_t text;
    mp_print_t print;
    vstr_init_print(&text, 16, &print);
    mp_obj_print_helper(&print, f, PRINT_STR);
    vstr_printf(v, "%u:", (unsigned)text.len);
    vstr_add_strn(v, text.buf, text.len);
    vstr_clear(&text);
}

static mp_obj_t mpdbg_pack(mp_obj_t kind, mp_obj_t fields) {
    vstr_t v;
    vstr_init(&v, 64);
    vstr_add_strn(&v, "\xfe\xfd\0\0\0", 5);
    size_t klen;
    const char *k = mp_obj_str_get_data(kind, &klen);
    vstr_add_strn(&v, k, klen);
    size_t n;
    mp_obj_t *items;
    mp_obj_get_array(fields, &n, &items);
    for (size_t i = 0; i < n; i++) {
        pack_field(&v, items[i]);
    }
    size_t len = v.len - 5;
    if (len > 65535) { // a cut reply still frames correctly
        len = 65535;
        v.len = 5 + len;
    }
    byte *b = (byte *)v.buf;
    uint32_t sum = len;
    for (size_t i = 5; i < 5 + len; i++) {
        sum += b[i];
    }
    b[2] = len & 0xff;
    b[3] = len >> 8;
    b[4] = (b[2] + b[3] + 0x5A) & 0xff;
    vstr_add_byte(&v, sum & 0xff);
    vstr_add_byte(&v, (sum >> 8) & 0xff);
    return mp_obj_new_bytes_from_vstr(&v);
}
static MP_DEFINE_CONST_FUN_OBJ_2(mpdbg_pack_obj, mpdbg_pack);

// scrub(): zeroes unused C stack below the caller. The GC scans the C stack
// conservatively, and calls that returned (the agent serving the host while
// the program was stopped) leave pointers there that deeper calls later reuse
// without overwriting, keeping the agent's stop-time code alive.
#include "py/cstack.h"
static MP_NOINLINE void scrub_below(size_t n) {
    volatile char *p = alloca(n);
    for (size_t i = 0; i < n; i++) {
        p[i] = 0;
    }
}

static mp_obj_t mpdbg_scrub(void) {
    size_t n = 8192;
    #if MICROPY_STACK_CHECK
    size_t used = mp_cstack_usage();
    size_t limit = MP_STATE_THREAD(stack_limit);
    size_t room = used + 1024 < limit ? limit - used - 1024 : 0;
    if (n > room) {
        n = room;
    }
    #endif
    if (n > 0) {
        scrub_below(n);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(mpdbg_scrub_obj, mpdbg_scrub);

// watch(): while the program runs untraced, the agent must still hear the
// host (pause, new breakpoints). Two ways, both without Python code:
// - event-driven: ports that know when input arrives on the REPL stream (an
//   RX interrupt; SIGIO on the host port) define MICROPY_MPDBG_INPUT_NOTIFY
//   and call mpdbg_input_pending(); watching sys.stdin then costs nothing;
// - polling, for other streams and ports: a static scheduler node that
//   re-schedules itself runs at the VM's pending-work checks (backward jumps,
//   returns, waits) and polls the stream every `ms` milliseconds.
#if MICROPY_ENABLE_SCHEDULER && MICROPY_SCHEDULER_STATIC_NODES
#ifndef MICROPY_MPDBG_INPUT_NOTIFY
#define MICROPY_MPDBG_INPUT_NOTIFY (0)
#endif

extern struct _mp_dummy_t mp_sys_stdin_obj;

static mp_sched_node_t watch_node;
static volatile bool watch_active;
static bool watch_notified; // event-driven: no polling node is queued
static mp_uint_t watch_interval_ms;
static mp_uint_t watch_last_ms;
static uint8_t watch_countdown;

#if defined(__unix__)
#include <poll.h>
// A stream whose poll fails but that has a file descriptor (sys.stdin on
// upstream's unix port, whose file objects answer MP_STREAM_POLL only without
// MICROPY_PY_SELECT_POSIX_OPTIMISATIONS): poll the descriptor itself.
static bool fd_has_input(mp_obj_t stream, const mp_stream_p_t *p) {
    int err;
    mp_uint_t fd = p->ioctl(stream, MP_STREAM_GET_FILENO, 0, &err);
    if (fd == MP_STREAM_ERROR) {
        return false;
    }
    struct pollfd pfd = {(int)fd, POLLIN, 0};
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLIN | POLLHUP)) != 0;
}
#else
static bool fd_has_input(mp_obj_t stream, const mp_stream_p_t *p) {
    (void)stream;
    (void)p;
    return false;
}
#endif

static bool stream_has_input(mp_obj_t stream) {
    const mp_stream_p_t *p = mp_get_stream(stream);
    int err;
    mp_uint_t ret = p->ioctl(stream, MP_STREAM_POLL, MP_STREAM_POLL_RD, &err);
    if (ret == MP_STREAM_ERROR) {
        return fd_has_input(stream, p);
    }
    return (ret & (MP_STREAM_POLL_RD | MP_STREAM_POLL_HUP)) != 0;
}

// The port may hear other streams too (a socket's SIGIO on the host port):
// it arranges to call mpdbg_input_pending() for `stream` and says so. A
// listening or attached socket is then watched for free, as sys.stdin is;
// polling it costs a tight loop about 19 % (measured with callgrind).
MP_WEAK bool mpdbg_port_notify(mp_obj_t stream) {
    (void)stream;
    return false;
}

static void watch_stop(void) {
    watch_active = false;
    MP_STATE_VM(mpdbg_watch_stream) = MP_OBJ_NULL;
    MP_STATE_VM(mpdbg_watch_callback) = MP_OBJ_NULL;
}

// Arms the innermost running frame with the watch callback, once.
static void watch_fire(mp_sched_node_t *node) {
    (void)node;
    if (!watch_active) {
        return;
    }
    if (mp_prof_is_executing) {
        // A trace function is running (the scheduler runs at its jumps too):
        // the VM sets the traced frame's callback from the result of a
        // `call` event and clears it at a `return`, which would undo the
        // arming and lose the host's message for good. Try again at a check
        // outside it.
        mp_sched_schedule_node(&watch_node, watch_fire);
        return;
    }
    mp_code_state_t *cs = program_top();
    if (cs != NULL && state_frame(cs) == NULL) {
        // No memory for its frame object now: try again at the next check.
        mp_sched_schedule_node(&watch_node, watch_fire);
        return;
    }
    if (cs != NULL) {
        arm_state(cs, MP_STATE_VM(mpdbg_watch_callback), true);
    }
    watch_stop();
}

static void watch_poll(mp_sched_node_t *node) {
    if (!watch_active) {
        return;
    }
    // Read the clock only every 32nd run: a tight loop runs this per iteration.
    if (--watch_countdown == 0) {
        watch_countdown = 32;
        mp_uint_t now = mp_hal_ticks_ms();
        if (now - watch_last_ms >= watch_interval_ms) {
            watch_last_ms = now;
            if (stream_has_input(MP_STATE_VM(mpdbg_watch_stream))) {
                watch_fire(node);
                return;
            }
        }
    }
    mp_sched_schedule_node(node, watch_poll);
}

// For ports: call when input arrives on the REPL stream (IRQ or signal safe:
// it only queues the module's single scheduler node).
void mpdbg_input_pending(void) {
    if (watch_active && watch_notified) {
        mp_sched_schedule_node(&watch_node, watch_fire);
    }
}
#endif

static mp_obj_t mpdbg_watch(size_t n_args, const mp_obj_t *args) {
    #if MICROPY_ENABLE_SCHEDULER && MICROPY_SCHEDULER_STATIC_NODES
    if (args[0] == mp_const_none) {
        watch_stop();
        return mp_const_true;
    }
    if (n_args < 2 || !mp_obj_is_callable(args[1])) {
        mp_raise_TypeError(MP_ERROR_TEXT("watch(stream, callback[, interval_ms])"));
    }
    mp_get_stream_raise(args[0], MP_STREAM_OP_IOCTL);
    MP_STATE_VM(mpdbg_watch_stream) = args[0];
    MP_STATE_VM(mpdbg_watch_callback) = args[1];
    watch_interval_ms = n_args > 2 ? mp_obj_get_int(args[2]) : 20;
    watch_last_ms = mp_hal_ticks_ms();
    watch_countdown = 1;
    // After a soft reset the scheduler queue is empty but the node may still
    // say it is queued; the VM would then never run it. (Atomic: a port's
    // interrupt may queue the node between the test and the reset.)
    mp_uint_t atomic = MICROPY_BEGIN_ATOMIC_SECTION();
    if (MP_STATE_VM(sched_head) == NULL) {
        watch_node.callback = NULL;
    }
    MICROPY_END_ATOMIC_SECTION(atomic);
    watch_notified = MICROPY_MPDBG_INPUT_NOTIFY
                     && (args[0] == MP_OBJ_FROM_PTR(&mp_sys_stdin_obj) || mpdbg_port_notify(args[0]));
    watch_active = true;
    if (!watch_notified) {
        mp_sched_schedule_node(&watch_node, watch_poll);
    } else if (stream_has_input(args[0])) {
        // Input that arrived before the port could tell us.
        mp_sched_schedule_node(&watch_node, watch_fire);
    }
    return mp_const_true;
    #else
    (void)n_args;
    (void)args;
    return mp_const_false;
    #endif
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_watch_obj, 1, 3, mpdbg_watch);

// keep_unwound(on) and unwound(exc): with core patch 0009, the frames an
// exception left without a handler, each kept as the exception left it, so
// that an uncaught exception's stop can show their locals. While on, the
// VM's unwinding calls unwind_hook for each such frame: it copies the
// frame's state array (cells as they are) into a tuple (function, line,
// state...) if the heap gives one without a collection raising; a new
// exception forgets the previous one's frames. unwound(exc) returns exc's frames,
// innermost first, as (file, name, line, def_line, code_info, slots,
// cellmask, globals), and forgets them.
#if defined(MICROPY_PY_SYS_SETTRACE_UNWIND_HOOK)
#define UNWOUND_MAX (32)
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_unwound_exc);
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_unwound[32]);
static size_t unwound_count;

static void unwound_forget(void) {
    for (size_t i = 0; i < UNWOUND_MAX; i++) {
        MP_STATE_VM(mpdbg_unwound)[i] = MP_OBJ_NULL;
    }
    unwound_count = 0;
    MP_STATE_VM(mpdbg_unwound_exc) = MP_OBJ_NULL;
}

static void unwind_hook(const mp_code_state_t *cs, mp_obj_t exc) {
    if (exc != MP_STATE_VM(mpdbg_unwound_exc)) {
        unwound_forget();
        MP_STATE_VM(mpdbg_unwound_exc) = exc;
    }
    if (unwound_count >= UNWOUND_MAX || gc_is_locked()) {
        return;
    }
    // The whole state array: which of its slots are locals is decoded only
    // if the host asks (unwound()); copying is cheaper than that.
    size_t n = 2 + cs->n_state;
    mp_obj_tuple_t *t = m_new_obj_var_maybe(mp_obj_tuple_t, items, mp_obj_t, n);
    if (t == NULL) {
        return; // out of memory (perhaps the very exception): keep what we have
    }
    t->base.type = &mp_type_tuple;
    t->len = n;
    const mp_raw_code_t *rc = cs->fun_bc->rc;
    t->items[0] = MP_OBJ_FROM_PTR(cs->fun_bc);
    t->items[1] = MP_OBJ_NEW_SMALL_INT(mp_prof_bytecode_lineno(rc, cs->ip - rc->prelude.opcodes));
    for (size_t k = 0; k < cs->n_state; k++) {
        t->items[2 + k] = cs->state[cs->n_state - 1 - k]; // never shown as is (unbound, stack words)
    }
    MP_STATE_VM(mpdbg_unwound)[unwound_count++] = MP_OBJ_FROM_PTR(t);
}

static mp_obj_t mpdbg_keep_unwound(mp_obj_t on) {
    unwound_forget();
    mp_prof_unwind_hook = mp_obj_is_true(on) ? unwind_hook : NULL;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_keep_unwound_obj, mpdbg_keep_unwound);

static mp_obj_t unwound_record(const mp_obj_tuple_t *t) {
    const mp_obj_fun_bc_t *fun = MP_OBJ_TO_PTR(t->items[0]);
    const mp_module_context_t *context = fun->context;
    const byte *ip = fun->rc->fun_data;
    MP_BC_PRELUDE_SIG_DECODE(ip);
    MP_BC_PRELUDE_SIZE_DECODE(ip);
    qstr name = MP_CODE_QSTR_MAP(context, mpdbg_decode_uint(&ip));
    code_facts_t f;
    decode_code(fun->rc, &f);
    size_t n = f.n_locals; // the rest of the state array is the value stack
    mp_obj_tuple_t *slots = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
    mp_obj_t mask = MP_OBJ_NEW_SMALL_INT(0);
    for (size_t k = 0; k < n; k++) {
        mp_obj_t v = t->items[2 + k];
        if (mpdbg_is_cell(v)) {
            v = mp_obj_cell_get(v);
            mp_obj_t bit = mp_binary_op(MP_BINARY_OP_LSHIFT, MP_OBJ_NEW_SMALL_INT(1), MP_OBJ_NEW_SMALL_INT(k));
            mask = mp_binary_op(MP_BINARY_OP_OR, mask, bit);
        }
        slots->items[k] = v == MP_OBJ_NULL ? UNBOUND : v;
    }
    mp_obj_t items[8] = {
        MP_OBJ_NEW_QSTR(MP_CODE_QSTR_MAP(context, 0)),
        MP_OBJ_NEW_QSTR(name),
        t->items[1],
        MP_OBJ_NEW_SMALL_INT(mpdbg_definition_line(fun->rc)),
        code_info_of(fun),
        MP_OBJ_FROM_PTR(slots),
        mask,
        MP_OBJ_FROM_PTR(context->module.globals),
    };
    return mp_obj_new_tuple(8, items);
}

static mp_obj_t mpdbg_unwound_frames(mp_obj_t exc) {
    mp_obj_t out = mp_obj_new_list(0, NULL);
    if (exc == MP_STATE_VM(mpdbg_unwound_exc)) {
        for (size_t i = 0; i < unwound_count; i++) {
            mp_obj_list_append(out, unwound_record(MP_OBJ_TO_PTR(MP_STATE_VM(mpdbg_unwound)[i])));
        }
    }
    unwound_forget();
    return out;
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpdbg_unwound_frames_obj, mpdbg_unwound_frames);
#endif

#if MICROPY_ENABLE_SCHEDULER && MICROPY_SCHEDULER_STATIC_NODES
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_watch_stream);
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_watch_callback);
#endif

// deadline(ms, stream): what the agent runs for the host while stopped
// (an evaluation, a repr, a property, a condition) may run for ever. Until
// deadline(0), a KeyboardInterrupt is raised in it once `ms` milliseconds
// have passed (0: no time limit) or once the host sends anything on
// `stream` (a cancel, a pause), so the agent can answer "interrupted" and
// serve the host again. Polled like watch(), from a static scheduler node.
// Returns False where the port has no static scheduler nodes.
#if MICROPY_ENABLE_SCHEDULER && MICROPY_SCHEDULER_STATIC_NODES && MICROPY_KBD_EXCEPTION
static mp_sched_node_t deadline_node;
static volatile bool deadline_active;
static mp_uint_t deadline_start_ms;
static mp_uint_t deadline_ms;
static mp_uint_t deadline_polled_ms;
static uint8_t deadline_countdown;
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_deadline_stream);

static void deadline_poll(mp_sched_node_t *node) {
    if (!deadline_active) {
        return;
    }
    if (--deadline_countdown == 0) {
        deadline_countdown = 32;
        mp_uint_t now = mp_hal_ticks_ms();
        bool expired = deadline_ms != 0 && now - deadline_start_ms >= deadline_ms;
        mp_obj_t stream = MP_STATE_VM(mpdbg_deadline_stream);
        if (!expired && stream != MP_OBJ_NULL && now - deadline_polled_ms >= 20) {
            deadline_polled_ms = now;
            expired = stream_has_input(stream);
        }
        if (expired) {
            deadline_active = false;
            MP_STATE_VM(mpdbg_deadline_stream) = MP_OBJ_NULL;
            mp_sched_keyboard_interrupt();
            return;
        }
    }
    mp_sched_schedule_node(node, deadline_poll);
}
#endif

static mp_obj_t mpdbg_deadline(size_t n_args, const mp_obj_t *args) {
    #if MICROPY_ENABLE_SCHEDULER && MICROPY_SCHEDULER_STATIC_NODES && MICROPY_KBD_EXCEPTION
    mp_int_t ms = mp_obj_get_int(args[0]);
    mp_obj_t stream = n_args > 1 && args[1] != mp_const_none ? args[1] : MP_OBJ_NULL;
    deadline_active = false;
    MP_STATE_VM(mpdbg_deadline_stream) = MP_OBJ_NULL;
    if (ms == 0 && stream == MP_OBJ_NULL) {
        // Off: an interrupt raised but not yet delivered must not hit the agent.
        if (MP_STATE_THREAD(mp_pending_exception) == MP_OBJ_FROM_PTR(&MP_STATE_VM(mp_kbd_exception))) {
            MP_STATE_THREAD(mp_pending_exception) = MP_OBJ_NULL;
        }
        return mp_const_true;
    }
    if (stream != MP_OBJ_NULL) {
        mp_get_stream_raise(stream, MP_STREAM_OP_IOCTL);
    }
    if (MP_STATE_VM(sched_head) == NULL) {
        deadline_node.callback = NULL; // as in watch(): stale after a soft reset
    }
    MP_STATE_VM(mpdbg_deadline_stream) = stream;
    deadline_ms = ms < 0 ? 0 : ms;
    deadline_start_ms = deadline_polled_ms = mp_hal_ticks_ms();
    deadline_countdown = 1;
    deadline_active = true;
    mp_sched_schedule_node(&deadline_node, deadline_poll);
    return mp_const_true;
    #else
    (void)n_args;
    (void)args;
    return mp_const_false;
    #endif
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(mpdbg_deadline_obj, 1, 2, mpdbg_deadline);

// FEATURES: which of mpdbg's core patches the firmware has (bits: 1 lazy
// frames, 2 frame code objects on demand, 4 call filter, 8 tracing goes on
// after a trace function raised, 16 line ranges cached in the frame, 32
// event filter, 64 unseen frames reused, 128 unwound frames kept, 256 a
// tracer may raise at an exception event, 512 line events gated, 1024
// calls marked traced or untraced for the VM, 2048 stop gates, 4096 a frame
// past its stop gate's stop untested up to its next branch, 8192 calls
// entered gated with no call event).
#if defined(MICROPY_PY_SYS_SETTRACE_LAZY_FRAMES)
#define FEATURE_LAZY (1)
#else
#define FEATURE_LAZY (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_FRAME_FUN_BC)
#define FEATURE_FUN_BC (2)
#else
#define FEATURE_FUN_BC (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_CALL_FILTER)
#define FEATURE_CALL_FILTER (4)
#else
#define FEATURE_CALL_FILTER (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_TRACER_MAY_RAISE)
#define FEATURE_TRACER_MAY_RAISE (8)
#else
#define FEATURE_TRACER_MAY_RAISE (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_LINE_RANGE)
#define FEATURE_LINE_RANGE (16)
#else
#define FEATURE_LINE_RANGE (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_EVENT_FILTER)
#define FEATURE_EVENT_FILTER (32)
#else
#define FEATURE_EVENT_FILTER (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_FRAME_REUSE)
#define FEATURE_FRAME_REUSE (64)
#else
#define FEATURE_FRAME_REUSE (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_UNWIND_HOOK)
#define FEATURE_UNWIND_HOOK (128)
#else
#define FEATURE_UNWIND_HOOK (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_EXCEPTION_EVENT_MAY_RAISE)
#define FEATURE_EXCEPTION_EVENT (256)
#else
#define FEATURE_EXCEPTION_EVENT (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_LINE_GATE)
#define FEATURE_LINE_GATE (512)
#else
#define FEATURE_LINE_GATE (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_CALL_MARKS)
#define FEATURE_CALL_MARKS (1024)
#else
#define FEATURE_CALL_MARKS (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_GATE_STOP)
#define FEATURE_GATE_STOP (2048)
#else
#define FEATURE_GATE_STOP (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_GATE_WAKE)
#define FEATURE_GATE_WAKE (4096)
#else
#define FEATURE_GATE_WAKE (0)
#endif
#if defined(MICROPY_PY_SYS_SETTRACE_CALL_GATED)
#define FEATURE_CALL_GATED (8192)
#else
#define FEATURE_CALL_GATED (0)
#endif
#define FEATURES (FEATURE_LAZY | FEATURE_FUN_BC | FEATURE_CALL_FILTER | FEATURE_TRACER_MAY_RAISE \
    | FEATURE_LINE_RANGE | FEATURE_EVENT_FILTER | FEATURE_FRAME_REUSE | FEATURE_UNWIND_HOOK | FEATURE_EXCEPTION_EVENT \
    | FEATURE_LINE_GATE | FEATURE_CALL_MARKS | FEATURE_GATE_STOP | FEATURE_GATE_WAKE | FEATURE_CALL_GATED)

static const mp_rom_map_elem_t mpdbg_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__mpdbg) },
    { MP_ROM_QSTR(MP_QSTR_UNBOUND), MP_ROM_PTR(&unbound_obj) },
    { MP_ROM_QSTR(MP_QSTR_frames), MP_ROM_PTR(&mpdbg_frames_obj) },
    { MP_ROM_QSTR(MP_QSTR_depth), MP_ROM_PTR(&mpdbg_depth_obj) },
    { MP_ROM_QSTR(MP_QSTR_live), MP_ROM_PTR(&mpdbg_live_obj) },
    { MP_ROM_QSTR(MP_QSTR_line), MP_ROM_PTR(&mpdbg_line_obj) },
    { MP_ROM_QSTR(MP_QSTR_at), MP_ROM_PTR(&mpdbg_at_obj) },
    { MP_ROM_QSTR(MP_QSTR_slots), MP_ROM_PTR(&mpdbg_slots_obj) },
    { MP_ROM_QSTR(MP_QSTR_cellmask), MP_ROM_PTR(&mpdbg_cellmask_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_slot), MP_ROM_PTR(&mpdbg_set_slot_obj) },
    { MP_ROM_QSTR(MP_QSTR_code_info), MP_ROM_PTR(&mpdbg_code_info_obj) },
    { MP_ROM_QSTR(MP_QSTR_arm), MP_ROM_PTR(&mpdbg_arm_obj) },
    { MP_ROM_QSTR(MP_QSTR_watch), MP_ROM_PTR(&mpdbg_watch_obj) },
    { MP_ROM_QSTR(MP_QSTR_filter), MP_ROM_PTR(&mpdbg_filter_obj) },
    { MP_ROM_QSTR(MP_QSTR_guard), MP_ROM_PTR(&mpdbg_guard_obj) },
    { MP_ROM_QSTR(MP_QSTR_pack), MP_ROM_PTR(&mpdbg_pack_obj) },
    { MP_ROM_QSTR(MP_QSTR_def_line), MP_ROM_PTR(&mpdbg_def_line_obj) },
    { MP_ROM_QSTR(MP_QSTR_scrub), MP_ROM_PTR(&mpdbg_scrub_obj) },
    #if defined(MICROPY_PY_SYS_SETTRACE_UNWIND_HOOK)
    { MP_ROM_QSTR(MP_QSTR_keep_unwound), MP_ROM_PTR(&mpdbg_keep_unwound_obj) },
    { MP_ROM_QSTR(MP_QSTR_unwound), MP_ROM_PTR(&mpdbg_unwound_frames_obj) },
    #endif
    { MP_ROM_QSTR(MP_QSTR_stdin), MP_ROM_PTR(&mpdbg_stdin_obj) },
    { MP_ROM_QSTR(MP_QSTR_deadline), MP_ROM_PTR(&mpdbg_deadline_obj) },
    { MP_ROM_QSTR(MP_QSTR_sha256), MP_ROM_PTR(&mpdbg_sha256_obj) },
    #if MICROPY_MPDBG_WAKE
    { MP_ROM_QSTR(MP_QSTR_wake_sequence), MP_ROM_PTR(&mpdbg_wake_sequence_obj) },
    #endif
    { MP_ROM_QSTR(MP_QSTR_VERSION), MP_ROM_INT(1) },
    { MP_ROM_QSTR(MP_QSTR_FEATURES), MP_ROM_INT(FEATURES) },
};
static MP_DEFINE_CONST_DICT(mpdbg_module_globals, mpdbg_module_globals_table);

const mp_obj_module_t mpdbg_user_cmodule = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&mpdbg_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR__mpdbg, mpdbg_user_cmodule);
