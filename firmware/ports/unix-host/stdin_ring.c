// The host port's REPL input, taken as a board's UART takes it: bytes are
// read from fd 0 as they arrive (SIGIO, the board's RX interrupt) into a
// ring, whether or not the program reads. So Ctrl-C interrupts a running
// program, a debugger's pause reaches it, and a debugger's wake sequence
// (attach without a restart, _mpdbg's wake.c) is recognised and kept from
// the program, as on the emulated board. Script mode does not use it.
#define _GNU_SOURCE // ppoll()
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "py/mphal.h"
#include "py/runtime.h"
#include "shared/runtime/interrupt_char.h"
#include "mphal_host.h"
#if MPDBG_MODULE
#include "mpdbg_port.h"
#endif

#define RING_SIZE (1024u) // a power of two
#define RING_ROOM (16u) // kept for a held wake prefix that a byte releases

bool stdin_ring_on;
static uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head; // written by drain()
static volatile uint32_t ring_tail; // written by the reader
static volatile bool ring_eof;

static void take(uint8_t c) {
    if (c == mp_interrupt_char) {
        mp_sched_keyboard_interrupt();
        return;
    }
    ring[ring_head % RING_SIZE] = c;
    ring_head++;
    #if MICROPY_MPDBG_INPUT_NOTIFY
    mpdbg_input_pending();
    #endif
}

// Moves what fd 0 holds into the ring, without blocking. Runs in the SIGIO
// handler, or in the reader with SIGIO blocked: never both at once.
void stdin_ring_drain(void) {
    while (!ring_eof && ring_head - ring_tail < RING_SIZE - RING_ROOM) {
        int avail = 0;
        if (ioctl(0, FIONREAD, &avail) < 0) {
            avail = 0;
        }
        uint8_t chunk[64];
        // A held wake prefix adds at most RING_ROOM bytes to what is read.
        size_t want = avail > 0 ? (size_t)avail : 1;
        size_t room = RING_SIZE - RING_ROOM - (ring_head - ring_tail);
        want = want < room ? want : room;
        want = want < sizeof(chunk) ? want : sizeof(chunk);
        if (avail <= 0) {
            // Nothing counted: the end of the input (a hang-up) or nothing.
            struct pollfd p = {0, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) {
                return;
            }
        }
        ssize_t n = read(0, chunk, want);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        if (n <= 0) {
            ring_eof = true;
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            #if MICROPY_MPDBG_WAKE
            uint8_t out[16];
            size_t k = mpdbg_wake_rx(chunk[i], out);
            for (size_t j = 0; j < k; j++) {
                take(out[j]);
            }
            #else
            take(chunk[i]);
            #endif
        }
    }
}

static void block_sigio(sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGIO);
    sigprocmask(SIG_BLOCK, &set, old);
}

bool stdin_ring_any(void) {
    sigset_t old;
    block_sigio(&old);
    stdin_ring_drain();
    bool any = ring_head != ring_tail || ring_eof;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return any;
}

int stdin_ring_rx_chr(void) {
    for (;;) {
        sigset_t old;
        block_sigio(&old);
        stdin_ring_drain();
        if (ring_head != ring_tail) {
            uint8_t c = ring[ring_tail % RING_SIZE];
            ring_tail++;
            sigprocmask(SIG_SETMASK, &old, NULL);
            return c;
        }
        if (ring_eof) {
            sigprocmask(SIG_SETMASK, &old, NULL);
            mp_hal_stdin_eof = true;
            return CHAR_CTRL_D;
        }
        #if MICROPY_ENABLE_SCHEDULER
        if (MP_STATE_VM(sched_state) == MP_SCHED_PENDING) {
            // The handler scheduled work since we last ran it (a wake the
            // filter kept): run it before waiting, or it waits with us.
            sigprocmask(SIG_SETMASK, &old, NULL);
            mp_handle_pending(true);
            continue;
        }
        #endif
        // Wait with SIGIO let through atomically: a byte that arrives now
        // interrupts the wait instead of being drained unseen.
        struct pollfd p = {0, POLLIN, 0};
        ppoll(&p, 1, NULL, &old);
        sigprocmask(SIG_SETMASK, &old, NULL);
        // Whatever woke us (a signal, bytes the wake filter kept and
        // scheduled work for), pending work runs now, as a board's idle loop
        // runs it.
        mp_handle_pending(true);
    }
}

// select.poll() over fds with fd 0 among them: the ring's bytes count as
// input on fd 0 (poll() cannot see them), and a byte the SIGIO handler
// moves into the ring while poll() waits interrupts the wait.
int stdin_ring_poll(struct pollfd *fds, nfds_t n, int timeout) {
    sigset_t old;
    block_sigio(&old);
    stdin_ring_drain();
    bool held = ring_head != ring_tail || ring_eof;
    struct timespec now = {0, 0};
    struct timespec ts = {timeout / 1000, (timeout % 1000) * 1000000L};
    int r = ppoll(fds, n, held ? &now : timeout < 0 ? NULL : &ts, &old);
    int err = errno;
    stdin_ring_drain(); // what poll() saw on fd 0, or the handler left there
    held = ring_head != ring_tail || ring_eof;
    bool hup = ring_eof && ring_head == ring_tail;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (r < 0 && !(err == EINTR && held)) {
        errno = err;
        return r;
    }
    if (r < 0) {
        for (nfds_t i = 0; i < n; i++) {
            fds[i].revents = 0; // interrupted: only the ring's news is known
        }
    }
    r = 0;
    for (nfds_t i = 0; i < n; i++) {
        if (fds[i].fd == 0) {
            // fd 0 is readable when the ring is: the port reads it from there.
            fds[i].revents &= ~(POLLIN | POLLHUP);
            if (held && (fds[i].events & POLLIN)) {
                fds[i].revents |= hup ? POLLHUP : POLLIN;
            }
        }
        r += fds[i].revents != 0;
    }
    return r;
}
