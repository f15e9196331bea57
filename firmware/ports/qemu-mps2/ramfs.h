// The board's RAM file system: a tree of directories and files whose data
// lives in RAM outside the MicroPython heap, so files survive a soft reset
// (as on a board's flash) and are gone when QEMU exits. Functions return 0
// (or a count, an fd) on success and a negative errno value on failure.
#ifndef MPDBG_QEMU_MPS2_RAMFS_H
#define MPDBG_QEMU_MPS2_RAMFS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

// File descriptors of open files start here (0-2 are the UART).
#define RAMFS_FIRST_FD (3)

void ramfs_init(void);
int ramfs_open(const char *path, int flags);
int ramfs_close(int fd);
bool ramfs_is_open(int fd);
int ramfs_read(int fd, void *buf, size_t len);
int ramfs_write(int fd, const void *buf, size_t len);
off_t ramfs_lseek(int fd, off_t offset, int whence);
int ramfs_stat(const char *path, struct stat *st);
int ramfs_fstat(int fd, struct stat *st);
int ramfs_unlink(const char *path);
int ramfs_mkdir(const char *path);
int ramfs_rmdir(const char *path);
int ramfs_rename(const char *from, const char *to);
int ramfs_chdir(const char *path);
int ramfs_getcwd(char *buf, size_t size);

// Directory listing: the n-th entry's name and whether it is a directory;
// -ENOENT past the last one.
int ramfs_dir_entry(const char *path, size_t n, const char **name, bool *is_dir);
#endif
