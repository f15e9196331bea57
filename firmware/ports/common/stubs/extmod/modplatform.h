// Stand-in for MicroPython's extmod/modplatform.h, which the PyPI source
// package does not ship; py/ only needs these platform strings.
#ifndef MPDBG_STUB_MODPLATFORM_H
#define MPDBG_STUB_MODPLATFORM_H
#define MICROPY_PLATFORM_ARCH "x86_64"
#define MICROPY_PLATFORM_SYSTEM "Linux"
#define MICROPY_PLATFORM_VERSION ""
#define MICROPY_PLATFORM_COMPILER "GCC"
#define MICROPY_PLATFORM_LIBC_LIB ""
#define MICROPY_PLATFORM_LIBC_VER ""
#endif
