# Pystone-like: a mix of small classes, attribute access, integer and string
# work, list indexing and calls, in the spirit of the classic Dhrystone
# benchmark (written for mpdbg, not a copy of it). Prints
# "elapsed_us heap_at_start heap_growth".
import gc
import time


def never_called():
    return 0  # BP: never reached


class Record:
    def __init__(self, kind, value, text):
        self.kind = kind
        self.value = value
        self.text = text
        self.next = None

    def copy(self):
        r = Record(self.kind, self.value, self.text)
        r.next = self.next
        return r


def choose(kind, value):
    if kind == 1:
        return value + 1
    elif kind == 2:
        return value * 2 & 0xFFFF
    return value - 1


def compare(a, b):
    return a[2] == b[2] and a < b


def step(rec, table, i):
    k = i % 3
    rec.value = choose(k, rec.value)  # BP: hot, if k < 0
    table[i & 15] = table[(i + 1) & 15] + k
    if compare("DHRY " + str(k), "DHRY 2"):
        rec.kind = k
    return rec


def work(n):
    rec = Record(1, 0, "first")
    rec.next = Record(2, 7, "second")
    table = [0] * 16
    for i in range(n):
        rec = step(rec, table, i)
        if i % 50 == 0:
            rec = rec.copy()
    return rec.value + sum(table)


work(500)  # warm-up: what the debugger makes once is made here
t0 = t1 = start = 0  # bound now, so the measurement allocates nothing
gc.collect()
start = gc.mem_alloc()  # the heap the program sees: what the debugger took

t0 = time.ticks_us()
work(30000)
t1 = time.ticks_us()
gc.collect()
print(time.ticks_diff(t1, t0), start, gc.mem_alloc() - start)
