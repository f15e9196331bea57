# Frame objects of traced calls: those no Python code saw are reused when
# their function returns (patch 0008); those a tracer kept, or reached
# through f_back, stay alive and intact while the heap is reused. Prints one
# "name value" line per check.
import gc
import sys

import _mpdbg

F = __file__
N = 1000


def hot(a):
    return a + 1  # traced, its events routed in C


def bp_line():
    return [n for n, t in enumerate(open(F).read().split("\n"), 1) if t.endswith("# traced, its events routed in C")][0]


def nothing(frame, event, arg):
    return None


def churn():
    # Allocations of the frame's size and more, so that a block wrongly
    # taken for reuse or freed would be overwritten.
    return [bytearray(48) for _ in range(200)]


# 1. Unseen frames: a filter that traces `hot` (a breakpoint on its line
# whose condition is never true, decided in C) gives no frame to Python.
line = bp_line()
fast = eval("lambda a: a < 0")
bps = {F: {line: [compile("a < 0", "<c>", "eval"), ["a"], fast, "a < 0"]}}
gc.collect()
gc.disable()
sys.settrace(_mpdbg.filter({F: {line - 1: 1}}, nothing, bps, nothing))
hot(0)  # first call: whatever the filter caches is made here
before = gc.mem_alloc()
for i in range(N):
    hot(i)
sys.settrace(None)
grown = gc.mem_alloc() - before
gc.enable()
print("unseen_growth", grown)

# 2. Frames a tracer kept stay intact after their functions returned.
kept = []


def keeper(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "hot":
        kept.append(frame)
    return None


sys.settrace(keeper)
for i in range(50):
    hot(i)
sys.settrace(None)
churn()
gc.collect()
churn()
print("kept_intact", all(f.f_code.co_name == "hot" for f in kept) and len(kept) == 50)

# 3. A caller reached through f_back stays intact after it returned.
backs = []


def callee():
    return 1


def caller():
    return callee()


def back_keeper(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "callee":
        backs.append(frame.f_back)
    return None


sys.settrace(_mpdbg.filter({F: {0: 1}}, back_keeper))
for i in range(50):
    caller()
sys.settrace(None)
churn()
gc.collect()
churn()
print("f_back_intact", [b.f_code.co_name for b in backs] == ["caller"] * 50)
