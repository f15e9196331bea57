// Breakpoint conditions evaluated without a Python call.
//
// A condition reaches C as a lambda of the frame's slots (the agent makes
// it). Calling it costs a whole Python call, more than a hot loop's
// iteration. Most conditions are a straight expression of locals, globals
// and constants (`i == 500`, `x > LIMIT and s != "a"`), so when the lambda's
// bytecode is nothing but loads, attribute loads, unary and binary
// operators, and `and`/`or`, this walks it directly with the same runtime
// calls the VM makes; anything else is left to the lambda.
#include <string.h>

#include "py/bc.h"
#include "py/bc0.h"
#include "py/objint.h"
#include "py/objfun.h"
#include "py/runtime.h"

#include "mpdbg.h"

#define CONDITION_MAX_OPS (64)
#define CONDITION_MAX_STACK (8)

static size_t decode_ulabel(const byte **ip) {
    const byte *p = *ip;
    if (p[0] & 0x80) {
        *ip += 2;
        return (p[0] & 0x7f) | (p[1] << 7);
    }
    *ip += 1;
    return p[0];
}

static mp_obj_t decode_small_int(const byte **ip) {
    mp_uint_t num = ((*ip)[0] & 0x40) ? (mp_uint_t)-1 : 0;
    do {
        num = (num << 7) | (**ip & 0x7f);
    } while ((*(*ip)++ & 0x80) != 0);
    return MP_OBJ_NEW_SMALL_INT(num);
}

static qstr decode_qstr(const mp_obj_fun_bc_t *fun, const byte **ip) {
    mp_uint_t n = mpdbg_decode_uint(ip);
    #if MICROPY_EMIT_BYTECODE_USES_QSTR_TABLE
    return fun->context->constants.qstr_table[n];
    #else
    (void)fun;
    return n;
    #endif
}

// The local a LOAD_FAST of either form at ip reads, or -1.
static mp_int_t fast_local(const byte *ip) {
    if (*ip >= MP_BC_LOAD_FAST_MULTI && *ip < MP_BC_LOAD_FAST_MULTI + MP_BC_LOAD_FAST_MULTI_NUM) {
        return *ip - MP_BC_LOAD_FAST_MULTI;
    }
    if (*ip == MP_BC_LOAD_FAST_N) {
        ip++;
        return mpdbg_decode_uint(&ip);
    }
    return -1;
}

typedef mpdbg_operand_t operand_t;

// What a condition lambda's code needs, found once per lambda: whether the
// walk below can evaluate it (every opcode up to the RETURN_VALUE that ends
// it is one the walk knows, jumps go forward only and no further than that
// RETURN_VALUE, so the walk ends, and the stack stays within what the walk
// holds), whether it loads globals, and which arguments it reads. Before a
// walk or a call, those arguments are checked to be bound: the agent's
// Python path must raise NameError for an unbound local as CPython does.
// All of it is known before anything runs, so that nothing runs twice.
struct mpdbg_condition {
    mp_obj_t fun;
    const byte *opcodes; // NULL: not a lambda of the slots; the lambda is called
    uint32_t reads; // bit k: reads argument k (all bits when unknown)
    bool walkable;
    bool globals;
    // `i == 500`, `a < b`, `-1 >= n`: a comparison of two arguments
    // or small-int constants, which most conditions are (quick.holds is 0
    // when it is not one).
    mpdbg_quick_t quick;
};
typedef mpdbg_condition_t condition_t;

#define NOT_QUICK (MP_BINARY_OP_NOT_EQUAL + 1)

// The operand an instruction at *ip loads, if an argument or a small int;
// moves past it.
static bool quick_operand(const byte **ip, size_t n_args, operand_t *o) {
    const byte *p = *ip;
    mp_int_t local = fast_local(p);
    if (local >= 0 && (size_t)local < n_args) {
        o->slot = local;
        o->value = MP_OBJ_NULL;
    } else if (*p >= MP_BC_LOAD_CONST_SMALL_INT_MULTI && *p < MP_BC_LOAD_CONST_SMALL_INT_MULTI + MP_BC_LOAD_CONST_SMALL_INT_MULTI_NUM) {
        o->slot = -1;
        o->value = MP_OBJ_NEW_SMALL_INT((mp_int_t)*p - MP_BC_LOAD_CONST_SMALL_INT_MULTI - MP_BC_LOAD_CONST_SMALL_INT_MULTI_EXCESS);
    } else if (*p == MP_BC_LOAD_CONST_SMALL_INT) {
        const byte *q = p + 1;
        o->slot = -1;
        o->value = decode_small_int(&q);
    } else {
        return false;
    }
    *ip = p + mpdbg_op_size(p);
    return true;
}

// Whether the code is exactly `return <operand> <comparison> <operand>`.
static byte study_quick(const byte *ip, size_t n_args, operand_t quick[2]) {
    if (!quick_operand(&ip, n_args, &quick[0]) || !quick_operand(&ip, n_args, &quick[1])) {
        return NOT_QUICK;
    }
    byte op = *ip - MP_BC_BINARY_OP_MULTI;
    if (*ip < MP_BC_BINARY_OP_MULTI || op > MP_BINARY_OP_NOT_EQUAL || ip[1] != MP_BC_RETURN_VALUE) {
        return NOT_QUICK;
    }
    return op;
}

static void study(condition_t *c, const byte *ip, const byte *end, size_t n_args) {
    size_t depth = 0;
    const byte *farthest = ip;
    c->opcodes = ip;
    c->reads = 0;
    c->walkable = true;
    c->globals = false;
    for (size_t n = 0; ip < end; n++, ip += mpdbg_op_size(ip)) {
        mp_int_t local = fast_local(ip);
        if (local >= 0) {
            if ((size_t)local >= n_args) {
                c->walkable = false; // not an argument: not a lambda of the slots
                c->reads = UINT32_MAX;
                return;
            }
            c->reads |= (uint32_t)1 << local;
        }
        if (!c->walkable) {
            continue; // only looking for the arguments it reads now
        }
        byte op = *ip;
        if (n >= CONDITION_MAX_OPS || depth > CONDITION_MAX_STACK) {
            c->walkable = false;
        } else if (local >= 0
                   || (op >= MP_BC_LOAD_CONST_SMALL_INT_MULTI && op < MP_BC_LOAD_CONST_SMALL_INT_MULTI + MP_BC_LOAD_CONST_SMALL_INT_MULTI_NUM)
                   || op == MP_BC_LOAD_CONST_SMALL_INT || op == MP_BC_LOAD_CONST_STRING || op == MP_BC_LOAD_CONST_OBJ
                   || op == MP_BC_LOAD_CONST_FALSE || op == MP_BC_LOAD_CONST_NONE || op == MP_BC_LOAD_CONST_TRUE) {
            depth++;
        } else if (op == MP_BC_LOAD_GLOBAL) {
            c->globals = true;
            depth++;
        } else if ((op >= MP_BC_UNARY_OP_MULTI && op < MP_BC_UNARY_OP_MULTI + MP_BC_UNARY_OP_MULTI_NUM) || op == MP_BC_LOAD_ATTR) {
            c->walkable = depth >= 1;
        } else if (op >= MP_BC_BINARY_OP_MULTI && op < MP_BC_BINARY_OP_MULTI + MP_BC_BINARY_OP_MULTI_NUM) {
            c->walkable = depth >= 2;
            depth--;
        } else if (op == MP_BC_JUMP_IF_FALSE_OR_POP || op == MP_BC_JUMP_IF_TRUE_OR_POP) {
            // Falling through pops the value; by the jump's target the code
            // fallen through has pushed one in its place.
            c->walkable = depth >= 1;
            depth--;
            const byte *p = ip + 1;
            size_t label = decode_ulabel(&p);
            if (p + label > farthest) {
                farthest = p + label;
            }
        } else if (op == MP_BC_RETURN_VALUE) {
            // The end of the walk; what follows is only scanned for reads.
            c->walkable = depth == 1 && farthest <= ip;
            if (c->walkable) {
                return;
            }
        } else {
            c->walkable = false;
        }
    }
    c->walkable = false;
}

// The opcodes of a lambda of exactly n_args positional arguments, without
// cells or defaults; NULL for any other function.
static const byte *lambda_opcodes(mp_obj_t fun_in, size_t n_args) {
    if (!mp_obj_is_type(fun_in, &mp_type_fun_bc)) {
        return NULL;
    }
    const mp_obj_fun_bc_t *fun = MP_OBJ_TO_PTR(fun_in);
    const byte *ip = fun->bytecode;
    MP_BC_PRELUDE_SIG_DECODE(ip);
    if (n_pos_args != n_args || n_kwonly_args != 0 || n_def_pos_args != 0
        || (scope_flags & (MP_SCOPE_FLAG_GENERATOR | MP_SCOPE_FLAG_VARARGS | MP_SCOPE_FLAG_VARKEYWORDS))) {
        return NULL;
    }
    MP_BC_PRELUDE_SIZE_DECODE(ip);
    return n_cell == 0 ? ip + n_info : NULL;
}

// The comparison op (MP_BINARY_OP_LESS to MP_BINARY_OP_NOT_EQUAL) of two
// small ints.
static bool compare_small_ints(byte op, mp_obj_t lhs, mp_obj_t rhs) {
    mp_int_t l = MP_OBJ_SMALL_INT_VALUE(lhs);
    mp_int_t r = MP_OBJ_SMALL_INT_VALUE(rhs);
    switch (op) {
        case MP_BINARY_OP_LESS:
            return l < r;
        case MP_BINARY_OP_MORE:
            return l > r;
        case MP_BINARY_OP_EQUAL:
            return l == r;
        case MP_BINARY_OP_LESS_EQUAL:
            return l <= r;
        case MP_BINARY_OP_MORE_EQUAL:
            return l >= r;
        default: // MP_BINARY_OP_NOT_EQUAL
            return l != r;
    }
}

// mp_binary_op, with the comparisons of two small ints (`i == 500`,
// `n > 10`: most conditions) done here.
static mp_obj_t binary_op(mp_binary_op_t op, mp_obj_t lhs, mp_obj_t rhs) {
    if (op <= MP_BINARY_OP_NOT_EQUAL && mp_obj_is_small_int(lhs) && mp_obj_is_small_int(rhs)) {
        return mp_obj_new_bool(compare_small_ints(op, lhs, rhs));
    }
    return mp_binary_op(op, lhs, rhs);
}

static mp_obj_t walk(const mp_obj_fun_bc_t *fun, const byte *ip, const mp_obj_t *args) {
    mp_obj_t stack[CONDITION_MAX_STACK + 1];
    mp_obj_t *sp = stack - 1;
    for (;;) {
        byte op = *ip++;
        if (op >= MP_BC_LOAD_FAST_MULTI && op < MP_BC_LOAD_FAST_MULTI + MP_BC_LOAD_FAST_MULTI_NUM) {
            *++sp = args[op - MP_BC_LOAD_FAST_MULTI];
        } else if (op >= MP_BC_LOAD_CONST_SMALL_INT_MULTI && op < MP_BC_LOAD_CONST_SMALL_INT_MULTI + MP_BC_LOAD_CONST_SMALL_INT_MULTI_NUM) {
            *++sp = MP_OBJ_NEW_SMALL_INT((mp_int_t)op - MP_BC_LOAD_CONST_SMALL_INT_MULTI - MP_BC_LOAD_CONST_SMALL_INT_MULTI_EXCESS);
        } else if (op >= MP_BC_UNARY_OP_MULTI && op < MP_BC_UNARY_OP_MULTI + MP_BC_UNARY_OP_MULTI_NUM) {
            *sp = mp_unary_op(op - MP_BC_UNARY_OP_MULTI, *sp);
        } else if (op >= MP_BC_BINARY_OP_MULTI && op < MP_BC_BINARY_OP_MULTI + MP_BC_BINARY_OP_MULTI_NUM) {
            mp_obj_t rhs = *sp--;
            *sp = binary_op(op - MP_BC_BINARY_OP_MULTI, *sp, rhs);
        } else {
            switch (op) {
                case MP_BC_LOAD_FAST_N:
                    *++sp = args[mpdbg_decode_uint(&ip)];
                    break;
                case MP_BC_LOAD_CONST_SMALL_INT:
                    *++sp = decode_small_int(&ip);
                    break;
                case MP_BC_LOAD_CONST_STRING:
                    *++sp = MP_OBJ_NEW_QSTR(decode_qstr(fun, &ip));
                    break;
                case MP_BC_LOAD_CONST_OBJ:
                    *++sp = (mp_obj_t)fun->context->constants.obj_table[mpdbg_decode_uint(&ip)];
                    break;
                case MP_BC_LOAD_CONST_FALSE:
                    *++sp = mp_const_false;
                    break;
                case MP_BC_LOAD_CONST_NONE:
                    *++sp = mp_const_none;
                    break;
                case MP_BC_LOAD_CONST_TRUE:
                    *++sp = mp_const_true;
                    break;
                case MP_BC_LOAD_GLOBAL:
                    *++sp = mp_load_global(decode_qstr(fun, &ip));
                    break;
                case MP_BC_LOAD_ATTR:
                    *sp = mp_load_attr(*sp, decode_qstr(fun, &ip));
                    break;
                case MP_BC_JUMP_IF_FALSE_OR_POP:
                case MP_BC_JUMP_IF_TRUE_OR_POP: {
                    size_t label = decode_ulabel(&ip);
                    if (mp_obj_is_true(*sp) == (op == MP_BC_JUMP_IF_TRUE_OR_POP)) {
                        ip += label;
                    } else {
                        sp--;
                    }
                    break;
                }
                default: // MP_BC_RETURN_VALUE: study() let nothing else through
                    return *sp;
            }
        }
    }
}

// Lambdas studied since the last mpdbg_condition_forget(). The filter that
// holds them keeps them alive, and forgets them when a new filter is made.
#define CONDITIONS (8)
static condition_t conditions[CONDITIONS];

void mpdbg_condition_forget(void) {
    memset(conditions, 0, sizeof(conditions));
}

const condition_t *mpdbg_condition_study(mp_obj_t fun_in, size_t n_args) {
    condition_t *c = &conditions[((uintptr_t)fun_in >> 4) % CONDITIONS];
    if (c->fun == fun_in) {
        return c;
    }
    c->fun = fun_in;
    c->walkable = false;
    c->globals = false;
    c->reads = UINT32_MAX;
    c->quick.quick = false;
    c->opcodes = lambda_opcodes(fun_in, n_args);
    if (c->opcodes != NULL) {
        byte op = study_quick(c->opcodes, n_args, c->quick.operand);
        if (op != NOT_QUICK) {
            // The interval [lo, hi] of lhs - rhs each comparison holds for.
            static const mp_int_t interval[][2] = {
                [MP_BINARY_OP_LESS] = {MP_INT_MIN, -1}, [MP_BINARY_OP_MORE] = {1, MP_INT_MAX},
                [MP_BINARY_OP_EQUAL] = {0, 0}, [MP_BINARY_OP_LESS_EQUAL] = {MP_INT_MIN, 0},
                [MP_BINARY_OP_MORE_EQUAL] = {0, MP_INT_MAX}, [MP_BINARY_OP_NOT_EQUAL] = {1, -1},
            };
            c->quick.quick = true;
            c->quick.lo = interval[op][0];
            c->quick.span = (mp_uint_t)interval[op][1] - (mp_uint_t)interval[op][0];
        }
        const mp_raw_code_t *rc = ((const mp_obj_fun_bc_t *)MP_OBJ_TO_PTR(fun_in))->rc;
        study(c, c->opcodes, (const byte *)rc->fun_data + rc->fun_data_len, n_args);
    }
    return c;
}

// The value of local k, read downward from the top slot as the VM keeps
// them; a cell's contents for a captured one.
static inline mp_obj_t slot_value(const mp_obj_t *top, size_t k) {
    mp_obj_t v = top[-(mp_int_t)k];
    return mp_obj_is_obj(v) && mpdbg_is_cell(v) ? mp_obj_cell_get(v) : v;
}

#if MICROPY_LONGINT_IMPL == MICROPY_LONGINT_IMPL_MPZ
// An int as an mpz: a big int's own, a small int's made in `fixed`.
static const mpz_t *int_mpz(mp_obj_t o, mpz_t *fixed, mpz_dig_t *dig) {
    if (mp_obj_is_small_int(o)) {
        mpz_init_fixed_from_int(fixed, dig, MPZ_NUM_DIG_FOR_INT, MP_OBJ_SMALL_INT_VALUE(o));
        return fixed;
    }
    if (o != MP_OBJ_NULL && mp_obj_is_exact_type(o, &mp_type_int)) {
        return &((const mp_obj_int_t *)MP_OBJ_TO_PTR(o))->mpz;
    }
    return NULL;
}
#endif

bool mpdbg_quick_eval_big(const mpdbg_quick_t *q, mp_obj_t lhs, mp_obj_t rhs, bool *held) {
    #if MICROPY_LONGINT_IMPL == MICROPY_LONGINT_IMPL_MPZ
    // mpz_cmp neither allocates nor raises; its sign is the comparison's.
    mpz_t fixed[2];
    mpz_dig_t dig[2][MPZ_NUM_DIG_FOR_INT];
    const mpz_t *l = int_mpz(lhs, &fixed[0], dig[0]);
    const mpz_t *r = int_mpz(rhs, &fixed[1], dig[1]);
    if (l == NULL || r == NULL) {
        return false;
    }
    int cmp = mpz_cmp(l, r);
    mp_uint_t d = (mp_uint_t)(mp_int_t)((cmp > 0) - (cmp < 0));
    *held = d - q->lo <= q->span;
    return true;
    #else
    (void)q;
    (void)lhs;
    (void)rhs;
    (void)held;
    return false;
    #endif
}

bool mpdbg_quick_false_big(const mpdbg_quick_t *q, mp_obj_t lhs, mp_obj_t rhs) {
    bool held;
    return mpdbg_quick_eval_big(q, lhs, rhs, &held) && !held;
}

bool mpdbg_condition_quick(const condition_t *c, mp_obj_t fun, const mp_obj_t *top, bool *held) {
    return c->fun == fun && c->quick.quick && mpdbg_quick_eval(&c->quick, top, held);
}

const mpdbg_quick_t *mpdbg_condition_quick_form(const condition_t *c, mp_obj_t fun) {
    return c->fun == fun && c->quick.quick ? &c->quick : NULL;
}

mp_obj_t mpdbg_condition_eval(const condition_t *c, size_t n_args, const mp_obj_t *top, bool *unbound) {
    mp_obj_t fun_in = c->fun;
    // A walk needs only the locals it reads; a call gets them all.
    mp_obj_t args[MPDBG_CONDITION_MAX_ARGS];
    *unbound = false;
    for (size_t k = 0; k < n_args; k++) {
        bool read = (c->reads >> k) & 1;
        args[k] = read || !c->walkable ? slot_value(top, k) : MP_OBJ_NULL;
        *unbound |= read && args[k] == MP_OBJ_NULL;
    }
    if (*unbound) {
        return MP_OBJ_NULL;
    }
    const mp_obj_fun_bc_t *fun = MP_OBJ_TO_PTR(fun_in);
    if (!c->walkable) {
        return mp_call_function_n_kw(fun_in, n_args, 0, args);
    }
    if (!c->globals) {
        return walk(fun, c->opcodes, args);
    }
    // Globals are the lambda's own (the program's), as when it is called.
    mp_obj_dict_t *old_globals = mp_globals_get();
    mp_globals_set(fun->context->module.globals);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        mp_globals_set(old_globals);
        nlr_jump(nlr.ret_val);
    }
    mp_obj_t value = walk(fun, c->opcodes, args);
    nlr_pop();
    mp_globals_set(old_globals);
    return value;
}
