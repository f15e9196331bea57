// Stand-in for MicroPython's extmod/virtpin.h (not in the PyPI source
// package); the host port has no pins.
#ifndef MPDBG_STUB_VIRTPIN_H
#define MPDBG_STUB_VIRTPIN_H
#include "py/obj.h"
typedef struct _mp_pin_p_t {
    mp_uint_t (*ioctl)(mp_obj_t obj, mp_uint_t request, uintptr_t arg, int *errcode);
} mp_pin_p_t;
#endif
