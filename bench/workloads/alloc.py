# Allocation-heavy: short-lived lists, tuples, dicts and strings of several
# sizes, so the allocator sees single- and multi-block requests. Prints
# "elapsed_us heap_at_start heap_growth".
import gc
import time


def never_called():
    return 0  # BP: never reached


def make(i):
    row = [i, i + 1, i + 2]
    pair = (i, str(i))
    d = {"k": i, "row": row}  # BP: hot, if i < 0
    return len(row) + len(pair) + len(d) + len(bytearray(i & 63))


def work(n):
    total = 0
    for i in range(n):
        total += make(i)
    return total


work(1000)  # warm-up: what the debugger makes once is made here
t0 = t1 = start = 0  # bound now, so the measurement allocates nothing
gc.collect()
start = gc.mem_alloc()  # the heap the program sees: what the debugger took

t0 = time.ticks_us()
work(40000)
t1 = time.ticks_us()
gc.collect()
print(time.ticks_diff(t1, t0), start, gc.mem_alloc() - start)
