# Call-heavy: many small Python calls. Prints "elapsed_us heap_bytes".
import gc
import time

gc.collect()
heap = gc.mem_alloc()


def add(a, b):
    return a + b


def never_called():
    return 0  # BP: never reached


def work(n):
    total = 0
    for i in range(n):
        total = add(total, i)
    return total


t0 = time.ticks_us()
work(200000)
print(time.ticks_diff(time.ticks_us(), t0), heap)
