// Port-private HAL functions shared by the host port's C files.
#ifndef MPDBG_HOSTPORT_MPHAL_HOST_H
#define MPDBG_HOSTPORT_MPHAL_HOST_H
#include <stdbool.h>
#include <stdint.h>
#include "posix_port.h"

// Output "\r\n" line ends, as a board's REPL does (REPL mode only).
extern bool mp_hal_stdout_crlf;
void mp_hal_install_sigint(void);
// Script mode: report stdin input to _mpdbg as it arrives.
void mp_hal_notify_stdin(void);

// REPL mode: stdin is read into a ring as it arrives (stdin_ring.c).
#include <poll.h>
extern bool stdin_ring_on;
void stdin_ring_drain(void);
bool stdin_ring_any(void);
int stdin_ring_rx_chr(void);
int stdin_ring_poll(struct pollfd *fds, nfds_t n, int timeout);
#endif
