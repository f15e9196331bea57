# Loop-heavy: arithmetic in a loop, no calls. Prints
# "elapsed_us heap_at_start heap_growth".
import gc
import time


def never_called():
    return 0  # BP: never reached


def spin(count):
    n = 0
    i = 0
    while i < count:
        n += i & 7  # BP: hot, if i < 0
        i += 1
    return n


spin(1000)  # warm-up: what the debugger makes once is made here
t0 = t1 = start = 0  # bound now, so the measurement allocates nothing
gc.collect()
start = gc.mem_alloc()  # the heap the program sees: what the debugger took

t0 = time.ticks_us()
spin(1000000)
t1 = time.ticks_us()
gc.collect()
print(time.ticks_diff(t1, t0), start, gc.mem_alloc() - start)
