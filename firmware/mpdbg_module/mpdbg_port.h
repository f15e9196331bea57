// What a port calls into _mpdbg (each a line or two in its HAL; see
// docs/mpdbg-module.md, "Port hooks").
#ifndef MPDBG_MODULE_MPDBG_PORT_H
#define MPDBG_MODULE_MPDBG_PORT_H

#include "py/misc.h"

// From the REPL stream's receive path (RX interrupt, SIGIO): input arrived,
// so a watching agent hears the host without polling.
void mpdbg_input_pending(void);

// Optional: arrange for mpdbg_input_pending() when `stream` (a socket) has
// input, and return true; the module's weak default says no (it polls).
#include "py/obj.h"
bool mpdbg_port_notify(mp_obj_t stream);

// First thing in mp_hal_stdin_rx_chr(): the next byte of the program's
// input when the debugger serves it (the link carries the host's frames),
// or -1 when the port should read its stream as usual.
int mpdbg_stdin_rx_chr(void);

// First thing in a port's mp_hal_readline() (input()): a line without
// echo when the debugger serves stdin: 0, or CHAR_CTRL_D at the end of the
// input; -1 when the port should read the line itself.
int mpdbg_stdin_readline(vstr_t *line);

// From the REPL stream's receive path, for each byte received while the
// port has MICROPY_MPDBG_WAKE: recognises a host's wake sequence (attach
// without a restart, wake.c) and holds its bytes back. Writes the bytes the
// port should take as input, in order, to out (room for 16) and returns
// how many (0 while a sequence may be arriving).
size_t mpdbg_wake_rx(uint8_t c, uint8_t *out);

#endif // MPDBG_MODULE_MPDBG_PORT_H
