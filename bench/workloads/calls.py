# Call-heavy: many small Python calls. Prints
# "elapsed_us heap_at_start heap_growth".
import gc
import time


def add(a, b):
    return a + b  # BP: hot, if a < 0


def never_called():
    return 0  # BP: never reached


def work(n):
    total = 0
    for i in range(n):
        total = add(total, i)
    return total


work(1000)  # warm-up: what the debugger makes once is made here
t0 = t1 = start = 0  # bound now, so the measurement allocates nothing
gc.collect()
start = gc.mem_alloc()  # the heap the program sees: what the debugger took

t0 = time.ticks_us()
work(150000)
t1 = time.ticks_us()
gc.collect()
print(time.ticks_diff(t1, t0), start, gc.mem_alloc() - start)
