// input() of our ports: MicroPython's line editor, unless the debugger serves
// the program's stdin. Included by a port's mphalport.h after it declares
// mp_hal_stdio_mode_raw()/mp_hal_stdio_mode_orig().
#include "py/misc.h"
#include "shared/readline/readline.h"

#define mp_hal_readline mp_hal_readline
#if MPDBG_MODULE
int mpdbg_stdin_readline(vstr_t *line);
#endif
static inline int mp_hal_readline(vstr_t *vstr, const char *p) {
    #if MPDBG_MODULE
    int served = mpdbg_stdin_readline(vstr);
    if (served >= 0) {
        return served;
    }
    #endif
    mp_hal_stdio_mode_raw();
    int ret = readline(vstr, p);
    mp_hal_stdio_mode_orig();
    return ret;
}
