// os module of our ports: the file-system subset boards offer, over POSIX
// calls (Linux on the host port; the board's RAM file system on qemu-mps2).
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <unistd.h>

#include "py/mperrno.h"
#include "py/objtuple.h"
#include "py/runtime.h"

static void raise_errno_if(int ret) {
    if (ret != 0) {
        mp_raise_OSError(errno);
    }
}

static mp_obj_t os_getcwd(void) {
    char buf[MICROPY_ALLOC_PATH_MAX + 1];
    if (getcwd(buf, sizeof(buf)) == NULL) {
        mp_raise_OSError(errno);
    }
    return mp_obj_new_str(buf, strlen(buf));
}
static MP_DEFINE_CONST_FUN_OBJ_0(os_getcwd_obj, os_getcwd);

static mp_obj_t os_chdir(mp_obj_t path_in) {
    raise_errno_if(chdir(mp_obj_str_get_str(path_in)));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_chdir_obj, os_chdir);

static mp_obj_t os_stat(mp_obj_t path_in) {
    struct stat st;
    raise_errno_if(stat(mp_obj_str_get_str(path_in), &st));
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(mp_obj_new_tuple(10, NULL));
    t->items[0] = MP_OBJ_NEW_SMALL_INT(st.st_mode);
    t->items[1] = mp_obj_new_int_from_uint(st.st_ino);
    t->items[2] = mp_obj_new_int_from_uint(st.st_dev);
    t->items[3] = mp_obj_new_int_from_uint(st.st_nlink);
    t->items[4] = mp_obj_new_int_from_uint(st.st_uid);
    t->items[5] = mp_obj_new_int_from_uint(st.st_gid);
    t->items[6] = mp_obj_new_int_from_ll(st.st_size);
    t->items[7] = mp_obj_new_int_from_ll(st.st_atime);
    t->items[8] = mp_obj_new_int_from_ll(st.st_mtime);
    t->items[9] = mp_obj_new_int_from_ll(st.st_ctime);
    return MP_OBJ_FROM_PTR(t);
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_stat_obj, os_stat);

static mp_obj_t os_statvfs(mp_obj_t path_in) {
    (void)path_in;
    mp_obj_t items[10];
    for (int i = 0; i < 10; i++) {
        items[i] = MP_OBJ_NEW_SMALL_INT(0);
    }
    items[0] = MP_OBJ_NEW_SMALL_INT(4096);
    items[1] = MP_OBJ_NEW_SMALL_INT(4096);
    return mp_obj_new_tuple(10, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_statvfs_obj, os_statvfs);

// Entries as (name, type, inode, size) like a board's VFS, without . and ..
static mp_obj_t list_dir(size_t n_args, const mp_obj_t *args, bool names_only) {
    const char *path = n_args > 0 ? mp_obj_str_get_str(args[0]) : ".";
    DIR *dir = opendir(path);
    if (dir == NULL) {
        mp_raise_OSError(errno);
    }
    mp_obj_t list = mp_obj_new_list(0, NULL);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        mp_obj_t name = mp_obj_new_str(de->d_name, strlen(de->d_name));
        if (names_only) {
            mp_obj_list_append(list, name);
            continue;
        }
        mp_int_t type = de->d_type == DT_DIR ? 0x4000 : 0x8000;
        long long size = 0;
        struct stat st;
        char full[MICROPY_ALLOC_PATH_MAX + 1];
        if (snprintf(full, sizeof(full), "%s/%s", path, de->d_name) < (int)sizeof(full) && stat(full, &st) == 0) {
            size = st.st_size;
        }
        mp_obj_t entry[4] = {name, MP_OBJ_NEW_SMALL_INT(type), mp_obj_new_int_from_uint(de->d_ino), mp_obj_new_int_from_ll(size)};
        mp_obj_list_append(list, mp_obj_new_tuple(4, entry));
    }
    closedir(dir);
    return list;
}

static mp_obj_t os_listdir(size_t n_args, const mp_obj_t *args) {
    return list_dir(n_args, args, true);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(os_listdir_obj, 0, 1, os_listdir);

static mp_obj_t os_ilistdir(size_t n_args, const mp_obj_t *args) {
    return mp_getiter(list_dir(n_args, args, false), NULL);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(os_ilistdir_obj, 0, 1, os_ilistdir);

static mp_obj_t os_mkdir(mp_obj_t path_in) {
    raise_errno_if(mkdir(mp_obj_str_get_str(path_in), 0777));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_mkdir_obj, os_mkdir);

static mp_obj_t os_rmdir(mp_obj_t path_in) {
    raise_errno_if(rmdir(mp_obj_str_get_str(path_in)));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_rmdir_obj, os_rmdir);

static mp_obj_t os_remove(mp_obj_t path_in) {
    raise_errno_if(unlink(mp_obj_str_get_str(path_in)));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_remove_obj, os_remove);

static mp_obj_t os_rename(mp_obj_t old_in, mp_obj_t new_in) {
    raise_errno_if(rename(mp_obj_str_get_str(old_in), mp_obj_str_get_str(new_in)));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(os_rename_obj, os_rename);

static mp_obj_t os_getenv(mp_obj_t name_in) {
    const char *v = getenv(mp_obj_str_get_str(name_in));
    return v == NULL ? mp_const_none : mp_obj_new_str(v, strlen(v));
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_getenv_obj, os_getenv);

static mp_obj_t os_uname(void) {
    struct utsname u;
    uname(&u);
    mp_obj_t items[5] = {
        mp_obj_new_str(u.sysname, strlen(u.sysname)),
        mp_obj_new_str(u.nodename, strlen(u.nodename)),
        mp_obj_new_str(u.release, strlen(u.release)),
        mp_obj_new_str(MICROPY_HW_BOARD_NAME, strlen(MICROPY_HW_BOARD_NAME)),
        mp_obj_new_str(u.machine, strlen(u.machine)),
    };
    return mp_obj_new_tuple(5, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(os_uname_obj, os_uname);

static mp_obj_t os_sync(void) {
    sync();
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(os_sync_obj, os_sync);

// urandom(n): n bytes from the kernel (the attach handshake's nonces).
static mp_obj_t os_urandom(mp_obj_t n_in) {
    mp_int_t n = mp_obj_get_int(n_in);
    if (n < 0) {
        mp_raise_ValueError(NULL);
    }
    vstr_t v;
    vstr_init_len(&v, n);
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t got = fd < 0 ? -1 : read(fd, v.buf, n);
    if (fd >= 0) {
        close(fd);
    }
    if (got != n) {
        mp_raise_OSError(MP_EIO);
    }
    return mp_obj_new_bytes_from_vstr(&v);
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_urandom_obj, os_urandom);

static const mp_rom_map_elem_t os_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_urandom), MP_ROM_PTR(&os_urandom_obj) },
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_os) },
    { MP_ROM_QSTR(MP_QSTR_getcwd), MP_ROM_PTR(&os_getcwd_obj) },
    { MP_ROM_QSTR(MP_QSTR_chdir), MP_ROM_PTR(&os_chdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&os_stat_obj) },
    { MP_ROM_QSTR(MP_QSTR_statvfs), MP_ROM_PTR(&os_statvfs_obj) },
    { MP_ROM_QSTR(MP_QSTR_listdir), MP_ROM_PTR(&os_listdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_ilistdir), MP_ROM_PTR(&os_ilistdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_mkdir), MP_ROM_PTR(&os_mkdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_rmdir), MP_ROM_PTR(&os_rmdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_remove), MP_ROM_PTR(&os_remove_obj) },
    { MP_ROM_QSTR(MP_QSTR_rename), MP_ROM_PTR(&os_rename_obj) },
    { MP_ROM_QSTR(MP_QSTR_getenv), MP_ROM_PTR(&os_getenv_obj) },
    { MP_ROM_QSTR(MP_QSTR_uname), MP_ROM_PTR(&os_uname_obj) },
    { MP_ROM_QSTR(MP_QSTR_sync), MP_ROM_PTR(&os_sync_obj) },
    { MP_ROM_QSTR(MP_QSTR_sep), MP_ROM_QSTR(MP_QSTR__slash_) },
};
static MP_DEFINE_CONST_DICT(os_module_globals, os_module_globals_table);

const mp_obj_module_t mp_module_os = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&os_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_os, mp_module_os);
