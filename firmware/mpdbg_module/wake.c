// Attaching over the REPL link to a program that runs without the debugger
// (main.py at boot, `mpremote run`), without a reset or a restart.
//
// The port passes each byte it receives on the REPL stream through
// mpdbg_wake_rx() (from its RX interrupt, or SIGIO on the host port) before
// the program can read it. The host's wake sequence is held back there and
// never reaches the program; then, at the VM's next pending-work check, the
// program's innermost frame is armed with wake_call(), which (as a trace
// callback, so that none of it is traced) imports the agent's mpdbg_wake
// from the agent's folder on the board and lets it attach: hello, the host's
// breakpoints, tracers on the running frames. Detaching leaves the program
// running untraced, and the next wake attaches again.
//
// The sequence cannot come from a program's input by accident: it starts
// with FE FD (never in UTF-8 text) and a header byte that fails the device
// protocol's header check (so no host frame starts with it), and it counts
// only after the link was quiet for WAKE_IDLE_MS. While a debugger owns the
// link (stdin served by the agent) nothing is matched. Any other byte, Ctrl-C
// included, releases what was held, in order, and is handled as usual.
//
//   wake_sequence()   the sequence, for tests and tools
#include <string.h>

#include "py/mphal.h"
#include "py/runtime.h"

#include "mpdbg.h"
#include "mpdbg_port.h"

#if MICROPY_MPDBG_WAKE

#define WAKE_IDLE_MS (20)
#define WAKE_FOLDER "/.mpdbg" // crates/mpdbg/src/deploy/agent.rs, FOLDER

static const char wake_seq[] = "\xfe\xfdmpdbg-attach";
#define WAKE_LEN (sizeof(wake_seq) - 1)

static uint8_t wake_matched; // bytes of the sequence held back so far
static mp_uint_t wake_last_ms;
static mp_sched_node_t wake_node;
MP_REGISTER_ROOT_POINTER(mp_obj_t mpdbg_wake_prev); // the armed frame's callback before

static void wake_fire(mp_sched_node_t *node);

size_t mpdbg_wake_rx(uint8_t c, uint8_t *out) {
    mp_uint_t now = mp_hal_ticks_ms();
    bool quiet = now - wake_last_ms >= WAKE_IDLE_MS;
    wake_last_ms = now;
    bool free_link = MP_STATE_VM(mpdbg_stdin_fill) == MP_OBJ_NULL;
    if (free_link && (size_t)c == (uint8_t)wake_seq[wake_matched] && (wake_matched > 0 || quiet)) {
        if (++wake_matched < WAKE_LEN) {
            return 0;
        }
        wake_matched = 0;
        mp_sched_schedule_node(&wake_node, wake_fire);
        return 0;
    }
    // Not the sequence after all: what was held is input, then this byte.
    size_t n = wake_matched;
    memcpy(out, wake_seq, n);
    wake_matched = 0;
    out[n++] = c;
    return n;
}

// A device-protocol `M` frame (docs/protocol.md) to the host, from C: what
// went wrong when no agent could answer.
static void wake_say(const char *text) {
    char payload[160];
    size_t len = strlen(text);
    if (len > sizeof(payload) - 8) {
        len = sizeof(payload) - 8;
    }
    // "M<len>:<text>"; len < 160: at most three digits.
    size_t head = 0;
    payload[head++] = 'M';
    if (len >= 100) {
        payload[head++] = '0' + len / 100;
    }
    if (len >= 10) {
        payload[head++] = '0' + len / 10 % 10;
    }
    payload[head++] = '0' + len % 10;
    payload[head++] = ':';
    memcpy(payload + head, text, len);
    size_t n = head + len;
    uint32_t sum = n;
    for (size_t i = 0; i < n; i++) {
        sum += (uint8_t)payload[i];
    }
    char frame[5] = {'\xfe', '\xfd', (char)(n & 0xff), (char)(n >> 8), 0};
    frame[4] = (char)(((uint8_t)frame[2] + (uint8_t)frame[3] + 0x5A) & 0xff);
    char check[2] = {(char)(sum & 0xff), (char)((sum >> 8) & 0xff)};
    mp_hal_stdout_tx_strn(frame, 5);
    mp_hal_stdout_tx_strn(payload, n);
    mp_hal_stdout_tx_strn(check, 2);
}

// The agent's folder on the board: where the deployer put it, below the
// board's working folder (its start-up folder, unless the program moved).
static mp_obj_t wake_folder(void) {
    mp_obj_t os = mp_import_name(MP_QSTR_os, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    mp_obj_t cwd = mp_call_function_0(mp_load_attr(os, MP_QSTR_getcwd));
    size_t len;
    const char *s = mp_obj_str_get_data(cwd, &len);
    vstr_t v;
    vstr_init(&v, len + sizeof(WAKE_FOLDER));
    vstr_add_strn(&v, s, len);
    while (v.len > 0 && v.buf[v.len - 1] == '/') {
        v.len--;
    }
    vstr_add_str(&v, WAKE_FOLDER);
    return mp_obj_new_str_from_vstr(&v);
}

static void set_sys_path(mp_obj_t list) {
    mp_obj_list_t *l = MP_OBJ_TO_PTR(list);
    mp_obj_list_set_len(mp_sys_path, 0);
    for (size_t i = 0; i < l->len; i++) {
        mp_obj_list_append(mp_sys_path, l->items[i]);
    }
}

// The agent's mpdbg_wake, imported from its folder only (a program's own
// module of that name must not answer for it).
static mp_obj_t wake_import(void) {
    mp_obj_t only = mp_obj_new_list(1, NULL);
    ((mp_obj_list_t *)MP_OBJ_TO_PTR(only))->items[0] = wake_folder();
    mp_obj_list_t *path = MP_OBJ_TO_PTR(mp_sys_path);
    mp_obj_t saved = mp_obj_new_list(path->len, path->items);
    set_sys_path(only);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t mod = mp_import_name(MP_QSTR_mpdbg_wake, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
        nlr_pop();
        set_sys_path(saved);
        return mod;
    }
    set_sys_path(saved);
    nlr_jump(nlr.ret_val);
}

// The armed frame's trace callback, once: the agent attaches from here.
static mp_obj_t wake_call(mp_obj_t frame, mp_obj_t event, mp_obj_t arg) {
    (void)arg;
    // Once: the frame gets back the callback it had (an attached debugger's
    // tracer, or none); attaching arms it anew.
    ((mp_obj_frame_t *)MP_OBJ_TO_PTR(frame))->callback = MP_STATE_VM(mpdbg_wake_prev);
    MP_STATE_VM(mpdbg_wake_prev) = MP_OBJ_NULL;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t mod = wake_import();
        mp_call_function_2(mp_load_attr(mod, MP_QSTR_attach), frame, event);
        nlr_pop();
        return mp_const_none;
    }
    mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    const mp_obj_type_t *type = mp_obj_get_type(exc);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(type), MP_OBJ_FROM_PTR(&mp_type_SystemExit))) {
        nlr_jump(nlr.ret_val); // the host terminated the program
    }
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(type), MP_OBJ_FROM_PTR(&mp_type_ImportError))) {
        wake_say("attach: no mpdbg agent in " WAKE_FOLDER " below the board's working folder: "
            "launch a session once to deploy it, then attach");
    } else {
        wake_say("attach: the agent failed to attach");
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(wake_call_obj, wake_call);

static void wake_fire(mp_sched_node_t *node) {
    if (mp_prof_is_executing) {
        // A trace callback runs (a debugger is here, or a wake of its
        // own): arming now would be undone by the VM. Later.
        mp_sched_schedule_node(node, wake_fire);
        return;
    }
    mp_obj_t prev = MP_OBJ_NULL;
    int armed = mpdbg_arm_innermost(MP_OBJ_FROM_PTR(&wake_call_obj), &prev);
    if (armed > 0 && prev != MP_OBJ_FROM_PTR(&wake_call_obj)) {
        MP_STATE_VM(mpdbg_wake_prev) = prev;
    }
    if (armed < 0) {
        mp_sched_schedule_node(node, wake_fire);
    } else if (armed == 0) {
        wake_say("attach: no program is running (the board is at its REPL): launch it instead");
    }
}

static mp_obj_t mpdbg_wake_sequence(void) {
    return mp_obj_new_bytes((const byte *)wake_seq, WAKE_LEN);
}
MP_DEFINE_CONST_FUN_OBJ_0(mpdbg_wake_sequence_obj, mpdbg_wake_sequence);

#endif // MICROPY_MPDBG_WAKE
