// opendir/readdir over the board's RAM file system (newlib has none for
// bare metal), enough for the os module shared with the host port.
#ifndef MPDBG_QEMU_MPS2_DIRENT_H
#define MPDBG_QEMU_MPS2_DIRENT_H
#include <sys/types.h>

#define DT_REG (8)
#define DT_DIR (4)

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[64];
};

typedef struct _ramfs_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);
#endif
