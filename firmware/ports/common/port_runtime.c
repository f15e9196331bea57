// Runtime hooks that our ports implement alike: the garbage collector's root
// scan (registers, then the C stack) and the importer's file test (stat()).
#include <sys/stat.h>

#include "py/builtin.h"
#include "py/gc.h"
#include "shared/runtime/gchelper.h"

void gc_collect(void) {
    gc_collect_start();
    gc_helper_collect_regs_and_stack();
    gc_collect_end();
}

mp_import_stat_t mp_import_stat(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) {
        return S_ISDIR(st.st_mode) ? MP_IMPORT_STAT_DIR : MP_IMPORT_STAT_FILE;
    }
    return MP_IMPORT_STAT_NO_EXIST;
}
