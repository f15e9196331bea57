# Loop-heavy: arithmetic in a loop, no calls. Prints "elapsed_us heap_bytes".
import gc
import time

gc.collect()
heap = gc.mem_alloc()


def never_called():
    return 0  # BP: never reached


t0 = time.ticks_us()
n = 0
i = 0
while i < 1000000:
    n += i & 7
    i += 1
print(time.ticks_diff(time.ticks_us(), t0), heap)
