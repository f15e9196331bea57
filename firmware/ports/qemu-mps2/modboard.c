// The `board` module of the qemu-mps2 port: what tests and scripts need from
// the emulated board itself.
//   board.exit(status=0)   leave QEMU with this exit status (semihosting)
//   board.heap_size([n])   the heap's size; with n, the size from the next
//                          soft reset on (16 KB to 1 MB)
#include "py/runtime.h"

#include "board.h"
#include "board_heap.h"

static mp_obj_t mod_board_exit(size_t n_args, const mp_obj_t *args) {
    board_exit(n_args > 0 ? mp_obj_get_int(args[0]) : 0);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(board_exit_obj, 0, 1, mod_board_exit);

static mp_obj_t mod_board_heap(size_t n_args, const mp_obj_t *args) {
    if (n_args > 0 && !board_set_heap_size(mp_obj_get_int(args[0]))) {
        mp_raise_ValueError(MP_ERROR_TEXT("heap size out of range"));
    }
    return mp_obj_new_int_from_uint(board_heap_size());
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(board_heap_obj, 0, 1, mod_board_heap);

static const mp_rom_map_elem_t board_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_board) },
    { MP_ROM_QSTR(MP_QSTR_exit), MP_ROM_PTR(&board_exit_obj) },
    { MP_ROM_QSTR(MP_QSTR_heap_size), MP_ROM_PTR(&board_heap_obj) },
};
static MP_DEFINE_CONST_DICT(board_module_globals, board_module_globals_table);

const mp_obj_module_t mp_module_board = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&board_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_board, mp_module_board);
