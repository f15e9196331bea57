#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "py/mperrno.h"
#include "py/runtime.h"
#include "fdstream.h"

int fdstream_wait(fdstream_obj_t *self, short events) {
    if (self->timeout_ms < 0) {
        return 0; // blocking descriptor: read/write will wait
    }
    struct pollfd pfd = {self->fd, events, 0};
    for (;;) {
        int r = poll(&pfd, 1, self->timeout_ms);
        if (r > 0) {
            return 0;
        }
        if (r == 0) {
            return self->timeout_ms == 0 ? MP_EAGAIN : MP_ETIMEDOUT;
        }
        if (errno != EINTR) {
            return errno;
        }
        mp_handle_pending(true);
    }
}

mp_uint_t fdstream_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    fdstream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->fd < 0) {
        *errcode = MP_EBADF;
        return MP_STREAM_ERROR;
    }
    int err = fdstream_wait(self, POLLIN);
    if (err) {
        *errcode = err;
        return MP_STREAM_ERROR;
    }
    for (;;) {
        ssize_t n = read(self->fd, buf, size);
        if (n >= 0) {
            return n;
        }
        if (errno != EINTR) {
            *errcode = errno;
            return MP_STREAM_ERROR;
        }
        mp_handle_pending(true);
    }
}

mp_uint_t fdstream_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    fdstream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->fd < 0) {
        *errcode = MP_EBADF;
        return MP_STREAM_ERROR;
    }
    int err = fdstream_wait(self, POLLOUT);
    if (err) {
        *errcode = err;
        return MP_STREAM_ERROR;
    }
    for (;;) {
        ssize_t n = write(self->fd, buf, size);
        if (n >= 0) {
            return n;
        }
        if (errno != EINTR) {
            *errcode = errno;
            return MP_STREAM_ERROR;
        }
        mp_handle_pending(true);
    }
}

mp_uint_t fdstream_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    fdstream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    switch (request) {
        case MP_STREAM_CLOSE:
            if (self->fd >= 0) {
                close(self->fd);
                self->fd = -1;
            }
            return 0;
        case MP_STREAM_FLUSH:
            return 0;
        case MP_STREAM_GET_FILENO:
            return self->fd;
        case MP_STREAM_POLL: {
            struct pollfd pfd = {self->fd, 0, 0};
            if (arg & MP_STREAM_POLL_RD) {
                pfd.events |= POLLIN;
            }
            if (arg & MP_STREAM_POLL_WR) {
                pfd.events |= POLLOUT;
            }
            mp_uint_t ret = 0;
            if (poll(&pfd, 1, 0) > 0) {
                if (pfd.revents & (POLLIN | POLLHUP)) {
                    ret |= MP_STREAM_POLL_RD;
                }
                if (pfd.revents & POLLOUT) {
                    ret |= MP_STREAM_POLL_WR;
                }
                if (pfd.revents & POLLERR) {
                    ret |= MP_STREAM_POLL_ERR;
                }
            }
            return ret & (arg | MP_STREAM_POLL_ERR | MP_STREAM_POLL_HUP);
        }
        case MP_STREAM_SEEK: {
            struct mp_stream_seek_t *s = (struct mp_stream_seek_t *)arg;
            off_t off = lseek(self->fd, s->offset, s->whence);
            if (off == (off_t)-1) {
                *errcode = errno;
                return MP_STREAM_ERROR;
            }
            s->offset = off;
            return 0;
        }
        default:
            *errcode = MP_EINVAL;
            return MP_STREAM_ERROR;
    }
}
