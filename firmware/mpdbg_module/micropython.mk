# Make glue for building _mpdbg into firmware as a user C module:
#   make USER_C_MODULES=/path/to/mpdbg/firmware CFLAGS_EXTRA=-DMICROPY_PY_SYS_SETTRACE=1 ...
MPDBG_MOD_DIR := $(USERMOD_DIR)
SRC_USERMOD_C += $(MPDBG_MOD_DIR)/mpdbg.c $(MPDBG_MOD_DIR)/filter.c $(MPDBG_MOD_DIR)/gate.c $(MPDBG_MOD_DIR)/guard.c $(MPDBG_MOD_DIR)/condition.c $(MPDBG_MOD_DIR)/agent_qstrs.c $(MPDBG_MOD_DIR)/stdin.c $(MPDBG_MOD_DIR)/sha256.c $(MPDBG_MOD_DIR)/wake.c
CFLAGS_USERMOD += -I$(MPDBG_MOD_DIR)
