// poll() over the board's UART (fds 0-2) and RAM files (newlib has none).
#ifndef MPDBG_QEMU_MPS2_POLL_H
#define MPDBG_QEMU_MPS2_POLL_H

#define POLLIN (0x001)
#define POLLOUT (0x004)
#define POLLERR (0x008)
#define POLLHUP (0x010)
#define POLLNVAL (0x020)

struct pollfd {
    int fd;
    short events;
    short revents;
};

typedef unsigned int nfds_t;
int poll(struct pollfd *fds, nfds_t n, int timeout_ms);
#endif
