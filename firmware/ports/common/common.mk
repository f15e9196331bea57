# Make glue shared by our ports' Makefiles (after py/py.mk): the modules in
# common/, the parts of MicroPython's shared/ every port uses, warnings, and
# the flavour switches.
COMMON_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

INC += -I$(COMMON_DIR) -I$(COMMON_DIR)/stubs
CWARN = -Wall -Werror -Wextra -Wno-unused-parameter -Wpointer-arith -Wdouble-promotion
CFLAGS_COMMON = -std=gnu99 -O2 -g -fdata-sections -ffunction-sections \
	-DMPDBG_SETTRACE=$(MPDBG_SETTRACE) -DMPDBG_MODULE=$(MPDBG_MODULE) -DMICROPY_USE_INTERNAL_PRINTF=0
# As upstream's ports build firmware: assertions off unless asked for.
# MPDBG_CHECKED=1 (the `checked` flavour, for tests) keeps them and uses the
# VM's switch dispatch, as many microcontroller ports do.
ifeq ($(MPDBG_CHECKED),1)
CFLAGS_COMMON += -DMICROPY_OPT_COMPUTED_GOTO=0
else ifneq ($(MPDBG_ASSERTS),1)
CFLAGS_COMMON += -DNDEBUG
endif

COMMON_SRC_C = \
	fdstream.c \
	fileio.c \
	modos.c \
	modselect.c \
	modtime.c \
	port_runtime.c

COMMON_SHARED_SRC_C = \
	shared/readline/readline.c \
	shared/runtime/interrupt_char.c \
	shared/runtime/pyexec.c \
	shared/runtime/sys_stdio_mphal.c

vpath %.c $(COMMON_DIR)
