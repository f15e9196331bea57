// The heap sizes of the board (main.c, modboard.c).
#ifndef MPDBG_QEMU_MPS2_BOARD_HEAP_H
#define MPDBG_QEMU_MPS2_BOARD_HEAP_H
#include <stdbool.h>
#include <stddef.h>

#define MPDBG_BOARD_HEAP_MIN (16 * 1024)
#define MPDBG_BOARD_HEAP_MAX (1024 * 1024)

size_t board_heap_size(void);
// The heap of the next soft reset; false if out of range.
bool board_set_heap_size(size_t size);
#endif
