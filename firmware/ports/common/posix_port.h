// What the modules shared by our ports (common/) need from a port's HAL,
// beyond py/mphal.h: both ports offer a POSIX C library underneath (Linux's,
// or on the board newlib over the board's own RAM file system and UART).
#ifndef MPDBG_PORTS_COMMON_POSIX_PORT_H
#define MPDBG_PORTS_COMMON_POSIX_PORT_H
#include <stdbool.h>
#include <stdint.h>

// Set when stdin reached end of file (the host closed the link); never on a UART.
extern bool mp_hal_stdin_eof;
// select.poll()'s poll(): a port that buffers stdin itself overrides it
// (modselect.c has the default).
#include <poll.h>
int mp_port_poll(struct pollfd *fds, nfds_t n, int timeout);
// Wall-clock time in nanoseconds since the Unix epoch.
uint64_t mp_hal_time_ns(void);
#endif
