# Records sys.settrace events for one named case and prints them as a repr'd
# list of (event, co_name, line, arg-is-None). Runs on MicroPython and CPython.
import sys

CASE = sys.argv[1]
events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name in ("tracer", "stop"):
        return None
    events.append((event, frame.f_code.co_name, frame.f_lineno, arg is None))
    return tracer


def stop():
    pass


def simple(x):
    y = x + 1
    return y


def raises():
    a = 1
    raise ValueError("boom")


def catches():
    try:
        raises()
    except ValueError:
        pass


def gen():
    yield 1
    yield 2


def drive_gen():
    for v in gen():
        pass


def for_loop():
    total = 0
    for i in range(3):
        total += i
    return total


def while_loop():
    n = 0
    while n < 3:
        n += 1
    return n


def untraced_callee():
    a = 1
    b = 2
    return a + b


def calls_untraced():
    return untraced_callee()


def selective(frame, event, arg):
    # Return no tracer for untraced_callee: its lines must not be reported.
    if frame.f_code.co_name in ("selective", "stop"):
        return None
    events.append((event, frame.f_code.co_name, frame.f_lineno, arg is None))
    return None if frame.f_code.co_name == "untraced_callee" else selective


def for_list():
    total = 0
    for item in [4, 5, 6]:
        total += item
    return total


def one_line_loops():
    total = 0
    for i in range(3): total += i  # noqa: E701
    n = 0
    while n < 3: n += 1  # noqa: E701
    return total + n


def nested():
    out = []
    for i in range(2):
        for j in (1, 2):
            out.append(simple(i + j))
    return out


CASES = {
    "simple": (tracer, lambda: simple(1)),
    "exception": (tracer, catches),
    "generator": (tracer, drive_gen),
    "for": (tracer, for_loop),
    "while": (tracer, while_loop),
    "selective": (selective, calls_untraced),
    "for_list": (tracer, for_list),
    "one_line_loops": (tracer, one_line_loops),
    "nested": (tracer, nested),
}

trace_fn, body = CASES[CASE]
sys.settrace(trace_fn)
body()
sys.settrace(None)
stop()
print(repr(events))
