// socket module of the host port: TCP/UDP over IPv4, with the API boards
// offer (addresses are (host, port) tuples, as on lwIP ports).
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "py/mperrno.h"
#include "py/objstr.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "fdstream.h"

static const mp_obj_type_t socket_type;

static mp_obj_t socket_new_from_fd(int fd) {
    fdstream_obj_t *o = mp_obj_malloc_with_finaliser(fdstream_obj_t, &socket_type);
    o->fd = fd;
    o->timeout_ms = -1;
    return MP_OBJ_FROM_PTR(o);
}

static fdstream_obj_t *socket_get(mp_obj_t self_in) {
    fdstream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->fd < 0) {
        mp_raise_OSError(MP_EBADF);
    }
    return self;
}

static void raise_if_error(int ret) {
    if (ret < 0) {
        mp_raise_OSError(errno);
    }
}

static void wait_or_raise(fdstream_obj_t *self, short events) {
    int err = fdstream_wait(self, events);
    if (err) {
        mp_raise_OSError(err);
    }
}

// (host, port) -> sockaddr_in; host may be a name, '' or '0.0.0.0'.
static void parse_address(mp_obj_t addr_in, struct sockaddr_in *sa) {
    mp_obj_t *items;
    mp_obj_get_array_fixed_n(addr_in, 2, &items);
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons(mp_obj_get_int(items[1]));
    const char *host = mp_obj_str_get_str(items[0]);
    if (host[0] == '\0') {
        sa->sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        struct addrinfo hints = {0}, *res;
        hints.ai_family = AF_INET;
        if (getaddrinfo(host, NULL, &hints, &res) != 0) {
            mp_raise_OSError(MP_EINVAL);
        }
        sa->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
        freeaddrinfo(res);
    }
}

static mp_obj_t format_address(const struct sockaddr_in *sa) {
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa->sin_addr, buf, sizeof(buf));
    mp_obj_t items[2] = {mp_obj_new_str(buf, strlen(buf)), MP_OBJ_NEW_SMALL_INT(ntohs(sa->sin_port))};
    return mp_obj_new_tuple(2, items);
}

static mp_obj_t socket_bind(mp_obj_t self_in, mp_obj_t addr_in) {
    struct sockaddr_in sa;
    parse_address(addr_in, &sa);
    raise_if_error(bind(socket_get(self_in)->fd, (struct sockaddr *)&sa, sizeof(sa)));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_bind_obj, socket_bind);

static mp_obj_t socket_listen(size_t n_args, const mp_obj_t *args) {
    int backlog = n_args > 1 ? mp_obj_get_int(args[1]) : 2;
    raise_if_error(listen(socket_get(args[0])->fd, backlog));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_listen_obj, 1, 2, socket_listen);

static mp_obj_t socket_accept(mp_obj_t self_in) {
    fdstream_obj_t *self = socket_get(self_in);
    wait_or_raise(self, POLLIN);
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd;
    while ((fd = accept(self->fd, (struct sockaddr *)&sa, &len)) < 0 && errno == EINTR) {
        mp_handle_pending(true);
    }
    raise_if_error(fd);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    mp_obj_t items[2] = {socket_new_from_fd(fd), format_address(&sa)};
    return mp_obj_new_tuple(2, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(socket_accept_obj, socket_accept);

static mp_obj_t socket_connect(mp_obj_t self_in, mp_obj_t addr_in) {
    fdstream_obj_t *self = socket_get(self_in);
    struct sockaddr_in sa;
    parse_address(addr_in, &sa);
    int r;
    while ((r = connect(self->fd, (struct sockaddr *)&sa, sizeof(sa))) < 0 && errno == EINTR) {
        mp_handle_pending(true);
    }
    raise_if_error(r);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_connect_obj, socket_connect);

static mp_obj_t socket_send(mp_obj_t self_in, mp_obj_t buf_in) {
    fdstream_obj_t *self = socket_get(self_in);
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_READ);
    wait_or_raise(self, POLLOUT);
    ssize_t n;
    while ((n = send(self->fd, buf.buf, buf.len, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
        mp_handle_pending(true);
    }
    raise_if_error(n);
    return MP_OBJ_NEW_SMALL_INT(n);
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_send_obj, socket_send);

static mp_obj_t socket_sendall(mp_obj_t self_in, mp_obj_t buf_in) {
    fdstream_obj_t *self = socket_get(self_in);
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_READ);
    size_t done = 0;
    while (done < buf.len) {
        wait_or_raise(self, POLLOUT);
        ssize_t n = send(self->fd, (const char *)buf.buf + done, buf.len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            mp_handle_pending(true);
            continue;
        }
        raise_if_error(n);
        done += n;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_sendall_obj, socket_sendall);

static mp_obj_t socket_recv(mp_obj_t self_in, mp_obj_t len_in) {
    fdstream_obj_t *self = socket_get(self_in);
    mp_int_t len = mp_obj_get_int(len_in);
    wait_or_raise(self, POLLIN);
    vstr_t vstr;
    vstr_init_len(&vstr, len);
    ssize_t n;
    while ((n = recv(self->fd, vstr.buf, len, 0)) < 0 && errno == EINTR) {
        mp_handle_pending(true);
    }
    if (n < 0) {
        vstr_clear(&vstr);
        mp_raise_OSError(errno);
    }
    vstr.len = n;
    return mp_obj_new_bytes_from_vstr(&vstr);
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_recv_obj, socket_recv);

static mp_obj_t socket_setsockopt(size_t n_args, const mp_obj_t *args) {
    (void)n_args;
    fdstream_obj_t *self = socket_get(args[0]);
    int level = mp_obj_get_int(args[1]);
    int opt = mp_obj_get_int(args[2]);
    int val = mp_obj_get_int(args[3]);
    raise_if_error(setsockopt(self->fd, level, opt, &val, sizeof(val)));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_setsockopt_obj, 4, 4, socket_setsockopt);

static mp_obj_t socket_settimeout(mp_obj_t self_in, mp_obj_t timeout_in) {
    fdstream_obj_t *self = socket_get(self_in);
    if (timeout_in == mp_const_none) {
        self->timeout_ms = -1;
    } else {
        mp_float_t t = mp_obj_get_float(timeout_in);
        self->timeout_ms = t <= 0 ? 0 : (int)(t * 1000);
    }
    // The descriptor stays blocking; waits go through poll() with the timeout.
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_settimeout_obj, socket_settimeout);

static mp_obj_t socket_setblocking(mp_obj_t self_in, mp_obj_t flag_in) {
    return socket_settimeout(self_in, mp_obj_is_true(flag_in) ? mp_const_none : MP_OBJ_NEW_SMALL_INT(0));
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_setblocking_obj, socket_setblocking);

static mp_obj_t socket_fileno(mp_obj_t self_in) {
    return MP_OBJ_NEW_SMALL_INT(socket_get(self_in)->fd);
}
static MP_DEFINE_CONST_FUN_OBJ_1(socket_fileno_obj, socket_fileno);

static mp_obj_t socket___exit__(size_t n_args, const mp_obj_t *args) {
    (void)n_args;
    return mp_stream_close(args[0]);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket___exit___obj, 4, 4, socket___exit__);

static mp_obj_t socket_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    (void)type;
    mp_arg_check_num(n_args, n_kw, 0, 3, false);
    int family = n_args > 0 ? mp_obj_get_int(args[0]) : AF_INET;
    int socktype = n_args > 1 ? mp_obj_get_int(args[1]) : SOCK_STREAM;
    int proto = n_args > 2 ? mp_obj_get_int(args[2]) : 0;
    int fd = socket(family, socktype | SOCK_CLOEXEC, proto);
    raise_if_error(fd);
    return socket_new_from_fd(fd);
}

static const mp_rom_map_elem_t socket_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_bind), MP_ROM_PTR(&socket_bind_obj) },
    { MP_ROM_QSTR(MP_QSTR_listen), MP_ROM_PTR(&socket_listen_obj) },
    { MP_ROM_QSTR(MP_QSTR_accept), MP_ROM_PTR(&socket_accept_obj) },
    { MP_ROM_QSTR(MP_QSTR_connect), MP_ROM_PTR(&socket_connect_obj) },
    { MP_ROM_QSTR(MP_QSTR_send), MP_ROM_PTR(&socket_send_obj) },
    { MP_ROM_QSTR(MP_QSTR_sendall), MP_ROM_PTR(&socket_sendall_obj) },
    { MP_ROM_QSTR(MP_QSTR_recv), MP_ROM_PTR(&socket_recv_obj) },
    { MP_ROM_QSTR(MP_QSTR_setsockopt), MP_ROM_PTR(&socket_setsockopt_obj) },
    { MP_ROM_QSTR(MP_QSTR_settimeout), MP_ROM_PTR(&socket_settimeout_obj) },
    { MP_ROM_QSTR(MP_QSTR_setblocking), MP_ROM_PTR(&socket_setblocking_obj) },
    { MP_ROM_QSTR(MP_QSTR_fileno), MP_ROM_PTR(&socket_fileno_obj) },
    { MP_ROM_QSTR(MP_QSTR_makefile), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&socket___exit___obj) },
};
static MP_DEFINE_CONST_DICT(socket_locals_dict, socket_locals_dict_table);

static const mp_stream_p_t socket_stream_p = {
    .read = fdstream_read,
    .write = fdstream_write,
    .ioctl = fdstream_ioctl,
};

static MP_DEFINE_CONST_OBJ_TYPE(
    socket_type,
    MP_QSTR_socket,
    MP_TYPE_FLAG_NONE,
    make_new, socket_make_new,
    protocol, &socket_stream_p,
    locals_dict, &socket_locals_dict
    );

// getaddrinfo(host, port) -> [(family, type, proto, '', (ip, port))]
static mp_obj_t socket_getaddrinfo(size_t n_args, const mp_obj_t *args) {
    (void)n_args;
    mp_obj_t addr[2] = {args[0], args[1]};
    struct sockaddr_in sa;
    parse_address(mp_obj_new_tuple(2, addr), &sa);
    mp_obj_t entry[5] = {
        MP_OBJ_NEW_SMALL_INT(AF_INET), MP_OBJ_NEW_SMALL_INT(SOCK_STREAM), MP_OBJ_NEW_SMALL_INT(0),
        MP_OBJ_NEW_QSTR(MP_QSTR_), format_address(&sa),
    };
    mp_obj_t e = mp_obj_new_tuple(5, entry);
    return mp_obj_new_list(1, &e);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_getaddrinfo_obj, 2, 6, socket_getaddrinfo);

static const mp_rom_map_elem_t socket_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_socket) },
    { MP_ROM_QSTR(MP_QSTR_socket), MP_ROM_PTR(&socket_type) },
    { MP_ROM_QSTR(MP_QSTR_getaddrinfo), MP_ROM_PTR(&socket_getaddrinfo_obj) },
    { MP_ROM_QSTR(MP_QSTR_AF_INET), MP_ROM_INT(AF_INET) },
    { MP_ROM_QSTR(MP_QSTR_SOCK_STREAM), MP_ROM_INT(SOCK_STREAM) },
    { MP_ROM_QSTR(MP_QSTR_SOCK_DGRAM), MP_ROM_INT(SOCK_DGRAM) },
    { MP_ROM_QSTR(MP_QSTR_SOL_SOCKET), MP_ROM_INT(SOL_SOCKET) },
    { MP_ROM_QSTR(MP_QSTR_SO_REUSEADDR), MP_ROM_INT(SO_REUSEADDR) },
    { MP_ROM_QSTR(MP_QSTR_IPPROTO_TCP), MP_ROM_INT(IPPROTO_TCP) },
    { MP_ROM_QSTR(MP_QSTR_TCP_NODELAY), MP_ROM_INT(TCP_NODELAY) },
};
static MP_DEFINE_CONST_DICT(socket_module_globals, socket_module_globals_table);

const mp_obj_module_t mp_module_socket = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&socket_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_socket, mp_module_socket);
