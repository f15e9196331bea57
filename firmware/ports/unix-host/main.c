// Entry point of the mpdbg host port.
//
//   micropython [-X heapsize=N[k|m]] [-c CODE | SCRIPT [ARGS...]]
//   micropython [-X heapsize=N] [--repl]
//   micropython --compile SOURCE OUTPUT [NAME]   (debug builds: to .mpy)
//
// With a script it runs the script and exits with its status (1 on an
// uncaught exception, SystemExit's code otherwise). With no script (or
// --repl) it is MicroPython's board REPL on stdin/stdout, raw REPL and
// raw-paste mode included, so that tools talk to it as to a board over USB.
// --compile writes SOURCE's bytecode as a .mpy file that this interpreter
// imports (as mpy-cross does, for this port's word size), its code named
// NAME (default OUTPUT): mpdbg compiles its agent's modules so, so that a
// stop loads them without a parse tree on the program's heap.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "py/builtin.h"
#include "py/compile.h"
#include "py/cstack.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/persistentcode.h"
#include "py/runtime.h"
#include "shared/runtime/pyexec.h"
#include "mphal_host.h"

static size_t heap_size = 1024 * 1024;

static void stderr_print_strn(void *env, const char *str, size_t len) {
    (void)env;
    ssize_t r = write(2, str, len);
    (void)r;
}
static const mp_print_t stderr_print = {NULL, stderr_print_strn};

static int usage(void) {
    fprintf(stderr,
        "usage: micropython [-X heapsize=N[k|m]] [-c CODE | SCRIPT [ARGS...] | --repl]\n"
        #if MICROPY_PERSISTENT_CODE_SAVE_FILE
        "       micropython --compile SOURCE OUTPUT [NAME]\n"
        #endif
        );
    return 2;
}

static bool parse_heapsize(const char *opt) {
    if (strncmp(opt, "heapsize=", 9) != 0) {
        return false;
    }
    char *end;
    long v = strtol(opt + 9, &end, 0);
    if (*end == 'k' || *end == 'K') {
        v *= 1024;
        end++;
    } else if (*end == 'm' || *end == 'M') {
        v *= 1024 * 1024;
        end++;
    }
    if (*end != '\0' || v < 16 * 1024) {
        return false;
    }
    heap_size = (size_t)v;
    return true;
}

// Runs a whole file or a string as __main__; returns the process exit code.
static int execute(const char *source, bool is_file) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_lexer_t *lex = is_file
            ? mp_lexer_new_from_file(qstr_from_str(source))
            : mp_lexer_new_from_str_len(MP_QSTR__lt_stdin_gt_, source, strlen(source), false);
        qstr source_name = lex->source_name;
        if (is_file) {
            mp_store_global(MP_QSTR___file__, MP_OBJ_NEW_QSTR(source_name));
        }
        mp_parse_tree_t pt = mp_parse(lex, MP_PARSE_FILE_INPUT);
        mp_obj_t fun = mp_compile(&pt, source_name, false);
        mp_call_function_0(fun);
        nlr_pop();
        return 0;
    }
    mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_SystemExit))) {
        mp_obj_t code = mp_obj_exception_get_value(exc);
        if (code == mp_const_none) {
            return 0;
        }
        mp_int_t val;
        if (mp_obj_get_int_maybe(code, &val)) {
            return val & 255;
        }
        mp_obj_print_helper(&stderr_print, code, PRINT_STR);
        mp_print_str(&stderr_print, "\n");
        return 1;
    }
    mp_obj_print_exception(&stderr_print, exc);
    return 1;
}

#if MICROPY_PERSISTENT_CODE_SAVE_FILE
// Compiles the file `source` to a .mpy file at `output`, whose code names
// `name` as its file (where the module will be imported from: the agent
// knows its own frames by it); returns the process exit code.
static int compile_mpy(const char *source, const char *output, const char *name) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_lexer_t *lex = mp_lexer_new_from_file(qstr_from_str(source));
        mp_parse_tree_t pt = mp_parse(lex, MP_PARSE_FILE_INPUT);
        mp_compiled_module_t cm;
        cm.context = m_new_obj(mp_module_context_t);
        cm.arch_flags = 0;
        mp_compile_to_raw_code(&pt, qstr_from_str(name), false, &cm);
        mp_raw_code_save_file(&cm, qstr_from_str(output));
        nlr_pop();
        return 0;
    }
    mp_obj_print_exception(&stderr_print, MP_OBJ_FROM_PTR(nlr.ret_val));
    return 1;
}
#endif

// Directories from MICROPYPATH (colon separated) go after the script's own.
static void init_sys_path(const char *script) {
    mp_obj_list_init(MP_OBJ_TO_PTR(mp_sys_path), 0);
    if (script != NULL) {
        const char *slash = strrchr(script, '/');
        size_t len = slash ? (size_t)(slash - script) : 0;
        mp_obj_list_append(mp_sys_path, mp_obj_new_str_via_qstr(script, len));
    } else {
        mp_obj_list_append(mp_sys_path, MP_OBJ_NEW_QSTR(MP_QSTR_));
    }
    const char *env = getenv("MICROPYPATH");
    while (env != NULL && *env != '\0') {
        const char *colon = strchr(env, ':');
        size_t len = colon ? (size_t)(colon - env) : strlen(env);
        if (len > 0) {
            mp_obj_list_append(mp_sys_path, mp_obj_new_str_via_qstr(env, len));
        }
        env = colon ? colon + 1 : NULL;
    }
    // Then lib/ beside the interpreter: mpdbg puts its agent there (the
    // `mpdbg` and `debugpy` modules), so programs import them with no set-up.
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 5);
    while (n > 0 && exe[n - 1] != '/') {
        n--;
    }
    if (n > 0) {
        memcpy(exe + n, "lib", 4);
        mp_obj_list_append(mp_sys_path, mp_obj_new_str(exe, strlen(exe)));
    }
}

static void vm_init(char *heap, const char *script) {
    gc_init(heap, heap + heap_size);
    mp_init();
    init_sys_path(script);
}

static int run_repl(char *heap) {
    mp_hal_stdout_crlf = true;
    mp_hal_stdio_mode_raw();
    // As a board's UART interrupt does: input is taken as it arrives (Ctrl-C
    // interrupts, _mpdbg.watch() hears the host, a debugger's wake attaches).
    stdin_ring_on = true;
    mp_hal_notify_stdin();
    int exit_code = 0;
    bool booted = false;
    for (;;) {
        int ret;
        if (!booted) {
            // As a board starts: boot.py, then main.py unless a tool asked
            // for the raw REPL (which a soft reset from it keeps).
            booted = true;
            ret = pyexec_file_if_exists("boot.py");
            if (!(ret & PYEXEC_FORCED_EXIT) && pyexec_mode_kind == PYEXEC_MODE_FRIENDLY_REPL) {
                ret = pyexec_file_if_exists("main.py");
            }
            if (mp_hal_stdin_eof) {
                break;
            }
            if (!(ret & PYEXEC_FORCED_EXIT)) {
                continue;
            }
        } else if (pyexec_mode_kind == PYEXEC_MODE_RAW_REPL) {
            ret = pyexec_raw_repl();
        } else {
            ret = pyexec_friendly_repl();
        }
        if (mp_hal_stdin_eof) {
            break;
        }
        if (ret & PYEXEC_FORCED_EXIT) {
            // Soft reset, as a board does on Ctrl-D: a fresh VM, same process.
            mp_hal_stdout_tx_str("MPY: soft reboot\r\n");
            gc_sweep_all();
            mp_deinit();
            vm_init(heap, NULL);
            booted = false;
            continue;
        }
    }
    mp_hal_stdio_mode_orig();
    return exit_code;
}

int main(int argc, char **argv) {
    mp_cstack_init_with_sp_here(1024 * 1024 - 40 * 1024);
    mp_hal_install_sigint();

    int argi = 1;
    const char *code = NULL;
    bool repl = false;
    #if MICROPY_PERSISTENT_CODE_SAVE_FILE
    char **compile = NULL;
    #endif
    while (argi < argc && argv[argi][0] == '-') {
        if (strcmp(argv[argi], "-X") == 0 && argi + 1 < argc) {
            if (!parse_heapsize(argv[argi + 1])) {
                return usage();
            }
            argi += 2;
        } else if (strcmp(argv[argi], "-c") == 0 && argi + 1 < argc) {
            code = argv[argi + 1];
            argi += 2;
            break;
        #if MICROPY_PERSISTENT_CODE_SAVE_FILE
        } else if (strcmp(argv[argi], "--compile") == 0 && (argc - argi == 3 || argc - argi == 4)) {
            compile = argv + argi + 1;
            argi = argc;
            break;
        #endif
        } else if (strcmp(argv[argi], "--repl") == 0) {
            repl = true;
            argi++;
        } else {
            return usage();
        }
    }
    const char *script = (code == NULL && !repl && argi < argc) ? argv[argi] : NULL;

    char *heap = malloc(heap_size);
    if (heap == NULL) {
        fprintf(stderr, "micropython: cannot allocate a heap of %zu bytes\n", heap_size);
        return 1;
    }
    vm_init(heap, script);

    #if MICROPY_PERSISTENT_CODE_SAVE_FILE
    if (compile != NULL) {
        int ret = compile_mpy(compile[0], compile[1], compile[compile[2] != NULL ? 2 : 1]);
        mp_deinit();
        free(heap);
        return ret;
    }
    #endif
    if (code == NULL && script == NULL) {
        int ret = run_repl(heap);
        mp_deinit();
        free(heap);
        return ret;
    }

    mp_hal_notify_stdin();
    // sys.argv: the script (or "-c") and its arguments.
    mp_obj_list_append(mp_sys_argv, MP_OBJ_NEW_QSTR(qstr_from_str(script ? script : "-c")));
    for (int i = argi + (script ? 1 : 0); i < argc; i++) {
        mp_obj_list_append(mp_sys_argv, MP_OBJ_NEW_QSTR(qstr_from_str(argv[i])));
    }
    int ret = execute(script ? script : code, script != NULL);
    mp_deinit();
    free(heap);
    return ret;
}

void nlr_jump_fail(void *val) {
    fprintf(stderr, "FATAL: uncaught NLR %p\n", val);
    exit(1);
}
