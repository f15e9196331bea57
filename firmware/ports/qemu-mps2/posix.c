// The POSIX calls that the modules shared with the host port (common/: open,
// os, select, time) and MicroPython's file reader make, answered on the board:
// fds 0-2 are the UART, higher fds the RAM file system (ramfs.c). newlib's
// stdio and malloc come through the underscore hooks below.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "py/mpconfig.h"

#include "board.h"
#include "ramfs.h"

static int result(int r) {
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return r;
}

static bool is_uart(int fd) {
    return fd >= 0 && fd < RAMFS_FIRST_FD;
}

int _open(const char *path, int flags, int mode) {
    (void)mode;
    return result(ramfs_open(path, flags));
}

int _close(int fd) {
    return is_uart(fd) ? 0 : result(ramfs_close(fd));
}

int _read(int fd, char *buf, int len) {
    if (!is_uart(fd)) {
        return result(ramfs_read(fd, buf, len));
    }
    if (fd != 0) {
        return result(-EBADF);
    }
    // Blocks for the first byte, as a tty does; a pending KeyboardInterrupt
    // or scheduled callback ends the wait with EINTR (the caller handles it).
    int n = 0;
    while (n == 0 && len > 0) {
        int c;
        while (n < len && (c = uart_read_byte()) >= 0) {
            buf[n++] = (char)c;
        }
        if (n == 0 && board_wait_event()) {
            return result(-EINTR);
        }
    }
    return n;
}

int _write(int fd, const char *buf, int len) {
    if (fd == 1 || fd == 2) {
        uart_write(buf, len);
        return len;
    }
    return is_uart(fd) ? result(-EBADF) : result(ramfs_write(fd, buf, len));
}

int _lseek(int fd, int offset, int whence) {
    return is_uart(fd) ? result(-ESPIPE) : result(ramfs_lseek(fd, offset, whence));
}

int _fstat(int fd, struct stat *st) {
    if (is_uart(fd)) {
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFCHR;
        return 0;
    }
    return result(ramfs_fstat(fd, st));
}

int _isatty(int fd) {
    return is_uart(fd);
}

int _stat(const char *path, struct stat *st) {
    return result(ramfs_stat(path, st));
}

int _unlink(const char *path) {
    return result(ramfs_unlink(path));
}

int mkdir(const char *path, mode_t mode) {
    (void)mode;
    return result(ramfs_mkdir(path));
}

int rmdir(const char *path) {
    return result(ramfs_rmdir(path));
}

int rename(const char *from, const char *to) {
    return result(ramfs_rename(from, to));
}

int chdir(const char *path) {
    return result(ramfs_chdir(path));
}

char *getcwd(char *buf, size_t size) {
    return result(ramfs_getcwd(buf, size)) < 0 ? NULL : buf;
}

void sync(void) {
}

int uname(struct utsname *u) {
    memset(u, 0, sizeof(*u));
    strcpy(u->sysname, "mps2-an385");
    strcpy(u->nodename, "qemu");
    strcpy(u->release, "1.0");
    strcpy(u->version, "mpdbg qemu-mps2");
    strcpy(u->machine, "Cortex-M3");
    return 0;
}

struct _ramfs_dir {
    char path[MICROPY_ALLOC_PATH_MAX + 1];
    size_t next;
    struct dirent entry;
};

DIR *opendir(const char *path) {
    struct stat st;
    if (_stat(path, &st) < 0) {
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    DIR *dir = calloc(1, sizeof(DIR));
    if (dir == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    strncpy(dir->path, path, sizeof(dir->path) - 1);
    return dir;
}

struct dirent *readdir(DIR *dir) {
    const char *name;
    bool is_dir;
    if (ramfs_dir_entry(dir->path, dir->next, &name, &is_dir) < 0) {
        return NULL;
    }
    dir->next++;
    memset(&dir->entry, 0, sizeof(dir->entry));
    strncpy(dir->entry.d_name, name, sizeof(dir->entry.d_name) - 1);
    dir->entry.d_type = is_dir ? DT_DIR : DT_REG;
    dir->entry.d_ino = (ino_t)dir->next;
    return &dir->entry;
}

int closedir(DIR *dir) {
    free(dir);
    return 0;
}

static short poll_one(const struct pollfd *p) {
    short ready = 0;
    if (p->fd == 0) {
        ready = uart_rx_any() ? POLLIN : 0;
    } else if (p->fd == 1 || p->fd == 2) {
        ready = POLLOUT;
    } else if (ramfs_is_open(p->fd)) {
        ready = POLLIN | POLLOUT; // RAM files never block
    } else {
        return POLLNVAL;
    }
    return ready & p->events;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
    uint32_t start = board_ticks_ms();
    for (;;) {
        int count = 0;
        for (nfds_t i = 0; i < n; i++) {
            fds[i].revents = poll_one(&fds[i]);
            count += fds[i].revents != 0;
        }
        if (count > 0 || timeout_ms == 0 ||
            (timeout_ms > 0 && board_ticks_ms() - start >= (uint32_t)timeout_ms)) {
            return count;
        }
        if (board_wait_event()) {
            return result(-EINTR);
        }
    }
}

// newlib's malloc (the RAM file system's storage) grows into the arena the
// linker script leaves between .bss and the stack.
extern char _sarena, _earena;
void *_sbrk(ptrdiff_t incr) {
    static char *brk = &_sarena;
    if (brk + incr > &_earena || brk + incr < &_sarena) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += incr;
    return old;
}

void _exit(int status) {
    board_exit(status);
}

int _kill(int pid, int sig) {
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void) {
    return 1;
}
