// HAL of the mpdbg host port: stdio over fds 0/1 (a pipe, a pty or a
// terminal, like a board's USB serial), monotonic ticks, raw terminal mode.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "mphal_host.h"
#if MPDBG_MODULE
#include "mpdbg_port.h"
#endif

bool mp_hal_stdin_eof;

static struct termios orig_termios;
static int raw_depth;

void mp_hal_stdio_mode_raw(void) {
    if (raw_depth++ > 0 || !isatty(0)) {
        return;
    }
    struct termios t;
    tcgetattr(0, &orig_termios);
    t = orig_termios;
    t.c_iflag &= ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    t.c_oflag &= ~OPOST;
    t.c_lflag &= ~(ECHO | ICANON | IEXTEN | ISIG);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(0, TCSAFLUSH, &t);
}

void mp_hal_stdio_mode_orig(void) {
    if (raw_depth == 0 || --raw_depth > 0 || !isatty(0)) {
        return;
    }
    tcsetattr(0, TCSAFLUSH, &orig_termios);
}

int mp_hal_stdin_rx_chr(void) {
    #if MPDBG_MODULE
    int served = mpdbg_stdin_rx_chr();
    if (served >= 0) {
        return served;
    }
    #endif
    if (stdin_ring_on) {
        return stdin_ring_rx_chr();
    }
    for (;;) {
        unsigned char c;
        ssize_t n = read(0, &c, 1);
        if (n == 1) {
            return c;
        }
        if (n == 0) {
            // End of input: behave like a board whose host sent Ctrl-D.
            mp_hal_stdin_eof = true;
            return CHAR_CTRL_D;
        }
        if (errno == EINTR) {
            mp_handle_pending(true);
            continue;
        }
        mp_hal_stdin_eof = true;
        return CHAR_CTRL_D;
    }
}

mp_uint_t mp_hal_stdout_tx_strn(const char *str, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(1, str + done, len - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; // the reader went away: drop output, keep the program running
        }
        done += n;
    }
    return done;
}

uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    uintptr_t ret = 0;
    if (stdin_ring_on && (poll_flags & MP_STREAM_POLL_RD) && stdin_ring_any()) {
        ret |= MP_STREAM_POLL_RD;
        poll_flags &= ~MP_STREAM_POLL_RD;
    }
    struct pollfd fds[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};
    if (stdin_ring_on) {
        fds[0].fd = -1; // its bytes are the ring's
    }
    if (poll(fds, 2, 0) > 0) {
        if ((poll_flags & MP_STREAM_POLL_RD) && (fds[0].revents & (POLLIN | POLLHUP))) {
            ret |= MP_STREAM_POLL_RD;
        }
        if ((poll_flags & MP_STREAM_POLL_WR) && (fds[1].revents & POLLOUT)) {
            ret |= MP_STREAM_POLL_WR;
        }
    }
    return ret;
}

static uint64_t monotonic_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

mp_uint_t mp_hal_ticks_ms(void) {
    return monotonic_us() / 1000;
}

mp_uint_t mp_hal_ticks_us(void) {
    return monotonic_us();
}

uint64_t mp_hal_time_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void mp_hal_delay_ms(mp_uint_t ms) {
    uint64_t end = monotonic_us() + (uint64_t)ms * 1000;
    for (;;) {
        mp_handle_pending(true);
        uint64_t now = monotonic_us();
        if (now >= end) {
            break;
        }
        uint64_t left = end - now;
        usleep(left > 10000 ? 10000 : left);
    }
}

static void async_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGIO);
}

// Nothing pending costs nothing: the VM enters atomic sections only to run
// or queue scheduled work.
mp_uint_t mp_hal_signals_block(void) {
    sigset_t set, before;
    async_signals(&set);
    sigprocmask(SIG_BLOCK, &set, &before);
    return sigismember(&before, SIGIO) == 1;
}

void mp_hal_signals_restore(mp_uint_t were_blocked) {
    if (!were_blocked) {
        sigset_t set;
        async_signals(&set);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
    }
}

static void sigint_handler(int signum) {
    (void)signum;
    mp_sched_keyboard_interrupt();
}

#if MICROPY_MPDBG_INPUT_NOTIFY
#include <fcntl.h>

static void sigio_handler(int signum) {
    (void)signum;
    if (stdin_ring_on) {
        stdin_ring_drain(); // tells _mpdbg of each byte it takes
    } else {
        mpdbg_input_pending();
    }
}

// Asks the kernel for SIGIO when stdin becomes readable (pipes and ttys).
void mp_hal_notify_stdin(void) {
    struct sigaction sa = {0};
    sa.sa_handler = sigio_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGIO, &sa, NULL);
    fcntl(0, F_SETOWN, getpid());
    int flags = fcntl(0, F_GETFL);
    if (flags >= 0) {
        fcntl(0, F_SETFL, flags | O_ASYNC);
    }
}

// select.poll(): in REPL mode stdin's bytes are in the ring.
int mp_port_poll(struct pollfd *fds, nfds_t n, int timeout) {
    return stdin_ring_on ? stdin_ring_poll(fds, n, timeout) : poll(fds, n, timeout);
}

// Sockets (a listen() waiting for a debugger, an attached client): SIGIO too.
bool mpdbg_port_notify(mp_obj_t stream) {
    mp_obj_t dest[2];
    mp_load_method_maybe(stream, MP_QSTR_fileno, dest);
    if (dest[0] == MP_OBJ_NULL) {
        return false;
    }
    int fd = mp_obj_get_int(mp_call_method_n_kw(0, 0, dest));
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && fcntl(fd, F_SETOWN, getpid()) == 0 && fcntl(fd, F_SETFL, flags | O_ASYNC) == 0;
}
#else
void mp_hal_notify_stdin(void) {
}
#endif

void mp_hal_install_sigint(void) {
    struct sigaction sa = {0};
    sa.sa_handler = sigint_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    // A host that closes the link must not kill the program with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
}

// A board's REPL sends "\r\n"; scripts run from a shell print plain "\n".
bool mp_hal_stdout_crlf;

void mp_hal_stdout_tx_strn_cooked(const char *str, size_t len) {
    if (!mp_hal_stdout_crlf) {
        mp_hal_stdout_tx_strn(str, len);
        return;
    }
    const char *last = str;
    const char *end = str + len;
    for (const char *p = str; p < end; p++) {
        if (*p == '\n') {
            mp_hal_stdout_tx_strn(last, p - last);
            mp_hal_stdout_tx_strn("\r\n", 2);
            last = p + 1;
        }
    }
    mp_hal_stdout_tx_strn(last, end - last);
}

void mp_hal_stdout_tx_str(const char *str) {
    mp_hal_stdout_tx_strn(str, strlen(str));
}
