// select module of the host port: select.poll over file descriptors, so it
// works on sockets, files and sys.stdin/sys.stdout (and their .buffer).
#include <errno.h>
#include <poll.h>

#include "py/objlist.h"
#include "py/runtime.h"
#include "py/stream.h"

#include "posix_port.h"

extern struct _mp_dummy_t mp_sys_stdin_obj;
extern struct _mp_dummy_t mp_sys_stdout_obj;
extern struct _mp_dummy_t mp_sys_stderr_obj;

// The file descriptor behind a pollable object, for the given events.
static int object_fd(mp_obj_t obj, mp_uint_t events) {
    if (mp_obj_is_small_int(obj)) {
        return MP_OBJ_SMALL_INT_VALUE(obj);
    }
    const mp_stream_p_t *stream = mp_get_stream_raise(obj, MP_STREAM_OP_IOCTL);
    int err;
    mp_uint_t fd = stream->ioctl(obj, MP_STREAM_GET_FILENO, 0, &err);
    if (fd != MP_STREAM_ERROR) {
        return fd;
    }
    // sys.stdin/stdout/stderr and the shared .buffer object carry no fd.
    if (obj == MP_OBJ_FROM_PTR(&mp_sys_stdin_obj)) {
        return 0;
    }
    if (obj == MP_OBJ_FROM_PTR(&mp_sys_stdout_obj)) {
        return 1;
    }
    if (obj == MP_OBJ_FROM_PTR(&mp_sys_stderr_obj)) {
        return 2;
    }
    return (events & MP_STREAM_POLL_RD) ? 0 : 1;
}

// poll(); a port that reads stdin into a buffer of its own (the host port's
// REPL) overrides it, so that the buffered bytes count as input on fd 0.
MP_WEAK int mp_port_poll(struct pollfd *fds, nfds_t n, int timeout) {
    return poll(fds, n, timeout);
}

typedef struct _poll_obj_t {
    mp_obj_base_t base;
    mp_obj_t registered; // dict: object -> event mask
} poll_obj_t;

static mp_obj_t poll_register(size_t n_args, const mp_obj_t *args) {
    poll_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_int_t events = n_args > 2 ? mp_obj_get_int(args[2]) : (POLLIN | POLLOUT);
    object_fd(args[1], events); // reject unpollable objects now, not at poll()
    mp_obj_dict_store(self->registered, args[1], MP_OBJ_NEW_SMALL_INT(events));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(poll_register_obj, 2, 3, poll_register);

static mp_obj_t poll_unregister(mp_obj_t self_in, mp_obj_t obj) {
    poll_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_map_lookup(mp_obj_dict_get_map(self->registered), obj, MP_MAP_LOOKUP_REMOVE_IF_FOUND);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(poll_unregister_obj, poll_unregister);

static mp_obj_t poll_modify(mp_obj_t self_in, mp_obj_t obj, mp_obj_t events) {
    poll_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_map_elem_t *elem = mp_map_lookup(mp_obj_dict_get_map(self->registered), obj, MP_MAP_LOOKUP);
    if (elem == NULL) {
        mp_raise_OSError(MP_ENOENT);
    }
    elem->value = MP_OBJ_NEW_SMALL_INT(mp_obj_get_int(events));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(poll_modify_obj, poll_modify);

static mp_obj_t poll_poll(size_t n_args, const mp_obj_t *args) {
    poll_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    int timeout = -1;
    if (n_args > 1 && args[1] != mp_const_none) {
        timeout = mp_obj_get_int(args[1]);
    }
    mp_map_t *map = mp_obj_dict_get_map(self->registered);
    size_t n = map->used;
    struct pollfd *fds = m_new(struct pollfd, n ? n : 1);
    mp_obj_t *objs = m_new(mp_obj_t, n ? n : 1);
    size_t k = 0;
    for (size_t i = 0; i < map->alloc && k < n; i++) {
        if (!mp_map_slot_is_filled(map, i)) {
            continue;
        }
        mp_int_t events = MP_OBJ_SMALL_INT_VALUE(map->table[i].value);
        objs[k] = map->table[i].key;
        fds[k].fd = object_fd(objs[k], events);
        fds[k].events = events;
        fds[k].revents = 0;
        k++;
    }
    int ret;
    for (;;) {
        ret = mp_port_poll(fds, k, timeout);
        if (ret >= 0 || errno != EINTR) {
            break;
        }
        mp_handle_pending(true); // Ctrl-C while waiting
    }
    if (ret < 0) {
        int err = errno;
        m_del(struct pollfd, fds, n ? n : 1);
        m_del(mp_obj_t, objs, n ? n : 1);
        mp_raise_OSError(err);
    }
    mp_obj_t result = mp_obj_new_list(0, NULL);
    for (size_t i = 0; i < k; i++) {
        if (fds[i].fd == 0 && mp_hal_stdin_eof && (fds[i].revents & POLLIN)) {
            // The end of stdin was read (reads now give Ctrl-D, as from a
            // board's host): say so, rather than readable for ever.
            fds[i].revents = POLLHUP;
        }
        if (fds[i].revents) {
            mp_obj_t pair[2] = {objs[i], MP_OBJ_NEW_SMALL_INT(fds[i].revents)};
            mp_obj_list_append(result, mp_obj_new_tuple(2, pair));
        }
    }
    m_del(struct pollfd, fds, n ? n : 1);
    m_del(mp_obj_t, objs, n ? n : 1);
    return result;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(poll_poll_obj, 1, 2, poll_poll);

static mp_obj_t poll_ipoll(size_t n_args, const mp_obj_t *args) {
    return mp_getiter(poll_poll(n_args > 2 ? 2 : n_args, args), NULL);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(poll_ipoll_obj, 1, 3, poll_ipoll);

static const mp_rom_map_elem_t poll_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_register), MP_ROM_PTR(&poll_register_obj) },
    { MP_ROM_QSTR(MP_QSTR_unregister), MP_ROM_PTR(&poll_unregister_obj) },
    { MP_ROM_QSTR(MP_QSTR_modify), MP_ROM_PTR(&poll_modify_obj) },
    { MP_ROM_QSTR(MP_QSTR_poll), MP_ROM_PTR(&poll_poll_obj) },
    { MP_ROM_QSTR(MP_QSTR_ipoll), MP_ROM_PTR(&poll_ipoll_obj) },
};
static MP_DEFINE_CONST_DICT(poll_locals_dict, poll_locals_dict_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    poll_type,
    MP_QSTR_poll,
    MP_TYPE_FLAG_NONE,
    locals_dict, &poll_locals_dict
    );

static mp_obj_t select_poll(void) {
    poll_obj_t *poll_obj = mp_obj_malloc(poll_obj_t, &poll_type);
    poll_obj->registered = mp_obj_new_dict(0);
    return MP_OBJ_FROM_PTR(poll_obj);
}
static MP_DEFINE_CONST_FUN_OBJ_0(select_poll_obj, select_poll);

static const mp_rom_map_elem_t select_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_select) },
    { MP_ROM_QSTR(MP_QSTR_poll), MP_ROM_PTR(&select_poll_obj) },
    { MP_ROM_QSTR(MP_QSTR_POLLIN), MP_ROM_INT(POLLIN) },
    { MP_ROM_QSTR(MP_QSTR_POLLOUT), MP_ROM_INT(POLLOUT) },
    { MP_ROM_QSTR(MP_QSTR_POLLERR), MP_ROM_INT(POLLERR) },
    { MP_ROM_QSTR(MP_QSTR_POLLHUP), MP_ROM_INT(POLLHUP) },
};
static MP_DEFINE_CONST_DICT(select_module_globals, select_module_globals_table);

const mp_obj_module_t mp_module_select = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&select_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_select, mp_module_select);
