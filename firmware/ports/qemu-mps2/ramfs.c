// The board's RAM file system (see ramfs.h). Nodes and file data come from
// newlib's malloc, whose arena lies between .bss and the stack.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ramfs.h"

#define MAX_OPEN (16)
#define NAME_MAX_LEN (63)
#define PATH_MAX_LEN (255)

typedef struct node {
    char name[NAME_MAX_LEN + 1];
    bool is_dir;
    bool unlinked; // removed while open: freed at the last close
    unsigned open_count;
    struct node *parent;
    struct node *children; // directories
    struct node *next; // sibling
    unsigned char *data; // files
    size_t size;
    size_t capacity;
} node_t;

typedef struct {
    node_t *node; // NULL: the slot is free
    size_t pos;
    int flags;
} open_file_t;

static node_t root = {.name = "", .is_dir = true};
static node_t *cwd = &root;
static open_file_t files[MAX_OPEN];

void ramfs_init(void) {
    // Boards keep libraries in /lib (on sys.path): there from the start.
    ramfs_mkdir("/lib");
}

static node_t *child(node_t *dir, const char *name, size_t len) {
    for (node_t *n = dir->children; n != NULL; n = n->next) {
        if (strlen(n->name) == len && memcmp(n->name, name, len) == 0) {
            return n;
        }
    }
    return NULL;
}

// Walks `path`; returns the node, or NULL with *err set. With `parent`, the
// last component need not exist: *parent gets its directory, *leaf its name.
static node_t *walk(const char *path, node_t **parent, const char **leaf, size_t *leaf_len, int *err) {
    if (path == NULL || *path == '\0') {
        *err = -ENOENT;
        return NULL;
    }
    if (strlen(path) > PATH_MAX_LEN) {
        *err = -ENAMETOOLONG;
        return NULL;
    }
    node_t *dir = *path == '/' ? &root : cwd;
    const char *p = path;
    for (;;) {
        while (*p == '/') {
            p++;
        }
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *rest = p + len;
        while (*rest == '/') {
            rest++;
        }
        bool last = *rest == '\0';
        if (len == 0) { // "/" or a trailing slash
            if (parent) {
                *err = -EINVAL;
                return NULL;
            }
            return dir;
        }
        if (!dir->is_dir) {
            *err = -ENOTDIR;
            return NULL;
        }
        node_t *next;
        if (len == 1 && p[0] == '.') {
            next = dir;
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            next = dir->parent ? dir->parent : dir;
        } else {
            if (len > NAME_MAX_LEN) {
                *err = -ENAMETOOLONG;
                return NULL;
            }
            next = child(dir, p, len);
            if (last && parent) {
                *parent = dir;
                *leaf = p;
                *leaf_len = len;
                if (next == NULL) {
                    *err = -ENOENT;
                }
                return next;
            }
        }
        if (next == NULL) {
            *err = -ENOENT;
            return NULL;
        }
        if (last) {
            return next;
        }
        dir = next;
        p = rest;
    }
}

static node_t *lookup(const char *path, int *err) {
    return walk(path, NULL, NULL, NULL, err);
}

static node_t *new_node(node_t *dir, const char *name, size_t len, bool is_dir) {
    node_t *n = calloc(1, sizeof(node_t));
    if (n == NULL) {
        return NULL;
    }
    memcpy(n->name, name, len);
    n->is_dir = is_dir;
    n->parent = dir;
    n->next = dir->children;
    dir->children = n;
    return n;
}

static void detach(node_t *n) {
    for (node_t **p = &n->parent->children; *p != NULL; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            break;
        }
    }
    n->next = NULL;
}

static void release(node_t *n) {
    free(n->data);
    free(n);
}

static open_file_t *file(int fd) {
    int i = fd - RAMFS_FIRST_FD;
    if (i < 0 || i >= MAX_OPEN || files[i].node == NULL) {
        return NULL;
    }
    return &files[i];
}

bool ramfs_is_open(int fd) {
    return file(fd) != NULL;
}

int ramfs_open(const char *path, int flags) {
    node_t *dir = NULL;
    const char *leaf = NULL;
    size_t len;
    int err = 0;
    node_t *n = walk(path, &dir, &leaf, &len, &err);
    if (n == NULL && (err != -ENOENT || leaf == NULL)) {
        return err;
    }
    if (n != NULL && (flags & O_CREAT) && (flags & O_EXCL)) {
        return -EEXIST;
    }
    if (n == NULL) {
        if (!(flags & O_CREAT)) {
            return -ENOENT;
        }
        n = new_node(dir, leaf, len, false);
        if (n == NULL) {
            return -ENOSPC;
        }
    }
    int acc = flags & O_ACCMODE;
    if (n->is_dir && acc != O_RDONLY) {
        return -EISDIR;
    }
    for (int i = 0; i < MAX_OPEN; i++) {
        if (files[i].node == NULL) {
            if ((flags & O_TRUNC) && acc != O_RDONLY) {
                n->size = 0;
            }
            files[i] = (open_file_t){n, 0, flags};
            n->open_count++;
            return RAMFS_FIRST_FD + i;
        }
    }
    return -EMFILE;
}

int ramfs_close(int fd) {
    open_file_t *f = file(fd);
    if (f == NULL) {
        return -EBADF;
    }
    node_t *n = f->node;
    f->node = NULL;
    if (--n->open_count == 0 && n->unlinked) {
        release(n);
    }
    return 0;
}

int ramfs_read(int fd, void *buf, size_t len) {
    open_file_t *f = file(fd);
    if (f == NULL || (f->flags & O_ACCMODE) == O_WRONLY) {
        return -EBADF;
    }
    if (f->node->is_dir) {
        return -EISDIR;
    }
    size_t left = f->pos < f->node->size ? f->node->size - f->pos : 0;
    if (len > left) {
        len = left;
    }
    memcpy(buf, f->node->data + f->pos, len);
    f->pos += len;
    return (int)len;
}

int ramfs_write(int fd, const void *buf, size_t len) {
    open_file_t *f = file(fd);
    if (f == NULL || (f->flags & O_ACCMODE) == O_RDONLY) {
        return -EBADF;
    }
    node_t *n = f->node;
    if (f->flags & O_APPEND) {
        f->pos = n->size;
    }
    size_t end = f->pos + len;
    if (end > n->capacity) {
        size_t cap = n->capacity ? n->capacity : 256;
        while (cap < end) {
            cap *= 2;
        }
        unsigned char *data = realloc(n->data, cap);
        if (data == NULL) {
            return -ENOSPC;
        }
        n->data = data;
        n->capacity = cap;
    }
    if (f->pos > n->size) {
        memset(n->data + n->size, 0, f->pos - n->size);
    }
    memcpy(n->data + f->pos, buf, len);
    f->pos = end;
    if (end > n->size) {
        n->size = end;
    }
    return (int)len;
}

off_t ramfs_lseek(int fd, off_t offset, int whence) {
    open_file_t *f = file(fd);
    if (f == NULL) {
        return -EBADF;
    }
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)f->pos : (off_t)f->node->size;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
        return -EINVAL;
    }
    if (base + offset < 0) {
        return -EINVAL;
    }
    f->pos = (size_t)(base + offset);
    return (off_t)f->pos;
}

static void fill_stat(const node_t *n, struct stat *st) {
    memset(st, 0, sizeof(*st));
    st->st_mode = n->is_dir ? (S_IFDIR | 0755) : (S_IFREG | 0644);
    st->st_size = (off_t)n->size;
    st->st_nlink = 1;
    st->st_ino = (ino_t)(uintptr_t)n;
}

int ramfs_stat(const char *path, struct stat *st) {
    int err = 0;
    node_t *n = lookup(path, &err);
    if (n == NULL) {
        return err;
    }
    fill_stat(n, st);
    return 0;
}

int ramfs_fstat(int fd, struct stat *st) {
    open_file_t *f = file(fd);
    if (f == NULL) {
        return -EBADF;
    }
    fill_stat(f->node, st);
    return 0;
}

// Removes `n` from the tree (freed now, or at its last close).
static void remove_node(node_t *n) {
    detach(n);
    if (n->open_count > 0) {
        n->unlinked = true;
    } else {
        release(n);
    }
}

int ramfs_unlink(const char *path) {
    int err = 0;
    node_t *n = lookup(path, &err);
    if (n == NULL) {
        return err;
    }
    if (n->is_dir) {
        return -EISDIR;
    }
    remove_node(n);
    return 0;
}

int ramfs_mkdir(const char *path) {
    node_t *dir;
    const char *leaf = NULL;
    size_t len;
    int err = 0;
    node_t *n = walk(path, &dir, &leaf, &len, &err);
    if (n != NULL) {
        return -EEXIST;
    }
    if (err != -ENOENT || leaf == NULL) {
        return err;
    }
    return new_node(dir, leaf, len, true) ? 0 : -ENOSPC;
}

static bool is_ancestor(const node_t *a, const node_t *n) {
    for (; n != NULL; n = n->parent) {
        if (n == a) {
            return true;
        }
    }
    return false;
}

int ramfs_rmdir(const char *path) {
    int err = 0;
    node_t *n = lookup(path, &err);
    if (n == NULL) {
        return err;
    }
    if (!n->is_dir) {
        return -ENOTDIR;
    }
    if (n == &root || is_ancestor(n, cwd)) {
        return -EBUSY;
    }
    if (n->children != NULL) {
        return -ENOTEMPTY;
    }
    remove_node(n);
    return 0;
}

int ramfs_rename(const char *from, const char *to) {
    int err = 0;
    node_t *n = lookup(from, &err);
    if (n == NULL) {
        return err;
    }
    node_t *dir;
    const char *leaf = NULL;
    size_t len;
    err = 0;
    node_t *old = walk(to, &dir, &leaf, &len, &err);
    if (old == NULL && (err != -ENOENT || leaf == NULL)) {
        return err;
    }
    if (n == &root || (n->is_dir && is_ancestor(n, dir))) {
        return -EINVAL;
    }
    if (old == n) {
        return 0;
    }
    if (old != NULL) {
        if (old->is_dir != n->is_dir) {
            return old->is_dir ? -EISDIR : -ENOTDIR;
        }
        if (old->is_dir && old->children != NULL) {
            return -ENOTEMPTY;
        }
        remove_node(old);
    }
    detach(n);
    memset(n->name, 0, sizeof(n->name));
    memcpy(n->name, leaf, len);
    n->parent = dir;
    n->next = dir->children;
    dir->children = n;
    return 0;
}

int ramfs_chdir(const char *path) {
    int err = 0;
    node_t *n = lookup(path, &err);
    if (n == NULL) {
        return err;
    }
    if (!n->is_dir) {
        return -ENOTDIR;
    }
    cwd = n;
    return 0;
}

static int path_of(const node_t *n, char *buf, size_t size) {
    if (n == &root) {
        if (size < 2) {
            return -ERANGE;
        }
        strcpy(buf, "/");
        return 1;
    }
    int at = n->parent == &root ? 0 : path_of(n->parent, buf, size);
    if (at < 0) {
        return at;
    }
    size_t len = strlen(n->name);
    if ((size_t)at + 1 + len + 1 > size) {
        return -ERANGE;
    }
    buf[at] = '/';
    memcpy(buf + at + 1, n->name, len + 1);
    return at + 1 + (int)len;
}

int ramfs_getcwd(char *buf, size_t size) {
    int r = path_of(cwd, buf, size);
    return r < 0 ? r : 0;
}

int ramfs_dir_entry(const char *path, size_t index, const char **name, bool *is_dir) {
    int err = 0;
    node_t *dir = lookup(path, &err);
    if (dir == NULL) {
        return err;
    }
    if (!dir->is_dir) {
        return -ENOTDIR;
    }
    // Children are kept newest first; list them oldest first.
    size_t count = 0;
    for (node_t *n = dir->children; n != NULL; n = n->next) {
        count++;
    }
    if (index >= count) {
        return -ENOENT;
    }
    node_t *n = dir->children;
    for (size_t i = 0; i < count - 1 - index; i++) {
        n = n->next;
    }
    *name = n->name;
    *is_dir = n->is_dir;
    return 0;
}
