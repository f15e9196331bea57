// uname() for the board (newlib has none for bare metal).
#ifndef MPDBG_QEMU_MPS2_SYS_UTSNAME_H
#define MPDBG_QEMU_MPS2_SYS_UTSNAME_H

struct utsname {
    char sysname[16];
    char nodename[16];
    char release[16];
    char version[32];
    char machine[32];
};

int uname(struct utsname *u);
#endif
