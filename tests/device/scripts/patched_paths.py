# Exercises the paths our core patches change (firmware/patches) and prints
# one "name result" line per case; test_core_patches.py compares them with
# CPython or with fixed expectations. Run with any mpdbg interpreter.
import gc
import sys

try:
    import _mpdbg
except ImportError:
    _mpdbg = None


def case(name, value):
    print(name, value)


# 1. settrace set and cleared many times, with calls in between.
def leaf(x):
    return x + 1


events = []


def count_tracer(frame, event, arg):
    events.append(event)
    return None


for i in range(2000):
    sys.settrace(count_tracer if i % 2 else None)
    leaf(i)
sys.settrace(None)
case("toggle_calls", events.count("call"))


# 3. Generators: traced, untraced, and traced again across resumes.
def gen(n):
    for i in range(n):
        yield i * i


def line_tracer(frame, event, arg):
    if frame.f_code.co_name == "gen":
        events.append((event, frame.f_lineno))
    return line_tracer


events.clear()
g = gen(4)
first = next(g)  # untraced
sys.settrace(line_tracer)
rest = list(g)  # traced resumes of a generator that started untraced
sys.settrace(None)
case("gen_values", [first] + rest)
case("gen_events", [e for e, _ in events])


# 4. Deep recursion, traced and not.
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


# The depth: argv[1], derived by the test from the target's stack
# (scripts/recursion_limit.py); 150 fits every 64-bit host.
DEPTH = int(sys.argv[1]) if len(sys.argv) > 1 else 150
case("deep_untraced", depth(DEPTH))
sys.settrace(lambda f, e, a: None)
case("deep_traced", depth(DEPTH))
sys.settrace(None)


# 5. Exceptions unwinding through traced and untraced frames.
def thrower():
    raise KeyError("deep")


def middle_untraced():
    return thrower()


def middle_traced():
    return middle_untraced()


def select_tracer(frame, event, arg):
    name = frame.f_code.co_name
    if name in ("middle_traced", "thrower"):
        events.append((event, name))
        return select_tracer
    return None


events.clear()
sys.settrace(select_tracer)
try:
    middle_traced()
except KeyError as e:
    caught = repr(e.args[0])
sys.settrace(None)
case("unwind_caught", caught)
case("unwind_events", sorted(set(events)))


# 6. f_back chains built lazily for frames entered before tracing started.
chain = []


def back_tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "inner":
        f = frame
        while f is not None:
            chain.append(f.f_code.co_name)
            f = f.f_back
    return None


def inner():
    return 1


def outer_started_untraced():
    sys.settrace(back_tracer)
    inner()
    sys.settrace(None)


def outermost():
    outer_started_untraced()


outermost()
case("f_back_chain", chain[:3])


# 7. A long run under GC pressure, tracing switched on and off, frames kept
# and dropped: no crash, and no growth of the heap once it settles.
keep = []


def keeping_tracer(frame, event, arg):
    if len(keep) < 8:
        keep.append(frame)
    return None


def churn(n):
    junk = [bytearray(40) for _ in range(3)]
    return len(junk) + n


def pressure(rounds):
    for r in range(rounds):
        sys.settrace(keeping_tracer if r % 3 else None)
        for i in range(50):
            churn(i)
        sys.settrace(None)
        if r % 10 == 0:
            keep.clear()
            gc.collect()


def heap():
    gc.collect()
    return gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0  # CPython has none


pressure(60)
keep.clear()
before = heap()
pressure(300)
keep.clear()
case("pressure_growth_ok", heap() - before <= 64)

# 8. Frames that _mpdbg materialises for untraced code are the live chain.
if _mpdbg is not None:

    def probe():
        return [f.f_code.co_name for f in _mpdbg.frames()][:3]

    def caller():
        return probe()

    case("mpdbg_frames", caller())
else:
    case("mpdbg_frames", ["probe", "caller", "<module>"])


# 9. A tracer that raises: the exception reaches the traced code, and tracing
# still works afterwards (stock MicroPython never traces again: last case).
def raising_tracer(frame, event, arg):
    if frame.f_code.co_name == "leaf":
        raise ValueError("from tracer")
    return None


sys.settrace(raising_tracer)
try:
    leaf(1)
    result = "no exception"
except ValueError as e:
    result = repr(str(e))
sys.settrace(None)
case("tracer_raises", result)
sys.settrace(count_tracer)
events.clear()
leaf(2)
sys.settrace(None)
case("tracer_after_raise", events)
