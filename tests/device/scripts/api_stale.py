# Every _mpdbg call on a frame whose function returned, or whose generator
# finished, raises ValueError, under heavy allocation and collection.
import gc
import sys

import _mpdbg

kept = []


def grab(frame, event, arg):
    if frame.f_code.co_name in ("victim", "gen") and len(kept) < 2000:
        kept.append(frame)
    return None


def victim(a, b):
    c = [a] * 10
    return len(c) + b


def gen(n):
    for i in range(n):
        yield i


CALLS = (
    lambda f: _mpdbg.slots(f),
    lambda f: _mpdbg.cellmask(f),
    lambda f: _mpdbg.code_info(f),
    lambda f: _mpdbg.line(f),
    lambda f: _mpdbg.set_slot(f, 0, 1),
    lambda f: _mpdbg.arm(f, grab),
    lambda f: _mpdbg.arm(f, None),
)

raised = 0
live_true = 0
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
for round_ in range(rounds):
    sys.settrace(grab)
    for i in range(5):
        victim(i, round_)
        list(gen(3))
    sys.settrace(None)
    # Churn the heap so freed code states are reused by other objects.
    junk = [bytearray(64 + i % 200) for i in range(300)]
    del junk
    if round_ % 10 == 0:
        gc.collect()
    for frame in kept:
        live_true += _mpdbg.live(frame)
        for call in CALLS:
            try:
                call(frame)
            except ValueError:
                raised += 1
    kept.clear()
print(raised, live_true)
