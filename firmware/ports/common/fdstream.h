// A stream object over a POSIX file descriptor: the common base of the host
// port's files and sockets (read/write/poll/close with errno reporting).
#ifndef MPDBG_HOSTPORT_FDSTREAM_H
#define MPDBG_HOSTPORT_FDSTREAM_H
#include "py/obj.h"
#include "py/stream.h"

typedef struct _fdstream_obj_t {
    mp_obj_base_t base;
    int fd;
    // For sockets: milliseconds to wait for I/O, or -1 to block forever, 0 non-blocking.
    int timeout_ms;
} fdstream_obj_t;

mp_uint_t fdstream_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode);
mp_uint_t fdstream_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode);
mp_uint_t fdstream_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode);
// Waits until fd is ready for the given poll events, honouring timeout_ms;
// returns 0 when ready, else an errno value (MP_ETIMEDOUT, MP_EAGAIN).
int fdstream_wait(fdstream_obj_t *self, short events);
#endif
