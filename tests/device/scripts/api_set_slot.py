# Writing a slot changes what the function computes afterwards: parameters,
# plain locals, a cell (seen by the closure), and unbinding a local.
import sys

import _mpdbg


def compute(a):
    b = a * 2
    c = 10

    def get_c():
        return c

    total = a + b + get_c()  # WRITE
    return total, b


def unbind_me():
    x = 1
    y = 2
    return x + y  # UNBIND


def marker_line(marker):
    with open(__file__) as f:
        for n, text in enumerate(f, 1):
            if text.rstrip().endswith("# " + marker):
                return n


WRITE = marker_line("WRITE")
UNBIND = marker_line("UNBIND")
done = set()


def tracer(frame, event, arg):
    name = frame.f_code.co_name
    if event == "line" and name == "compute" and frame.f_lineno == WRITE and name not in done:
        done.add(name)
        # Slots: a=0 b=1 get_c=2 total=3, then the cell c=4.
        assert _mpdbg.cellmask(frame) == 1 << 4
        _mpdbg.set_slot(frame, 0, 100)
        _mpdbg.set_slot(frame, 1, 7)
        _mpdbg.set_slot(frame, 4, 1000)
    if event == "line" and name == "unbind_me" and frame.f_lineno == UNBIND:
        _mpdbg.set_slot(frame, 0, _mpdbg.UNBOUND)
    return tracer if name in ("compute", "unbind_me") else None


sys.settrace(tracer)
print(compute(1))
try:
    unbind_me()
    print("no error")
except NameError:
    print("NameError")
sys.settrace(None)
for bad in (-1, 99):
    try:
        _mpdbg.set_slot(_mpdbg.frames()[0], bad, 0)
    except IndexError:
        print("IndexError", bad)
