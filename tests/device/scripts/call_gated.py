# The events _mpdbg.filter()'s line tracer gets, case by case, where core
# patch 0015 lets _mpdbg mark a traced code as entered gated: its fresh
# calls then get their frame, the filter as local trace function and a stop
# gate at the breakpoint's first instruction with no `call` event. At each
# hit the tracer records the frame's line, function, slots and the stack
# above it (f_back), which the frame made with no event must give as the
# stock core's do. A condition true from some call on, a breakpoint on a
# function's second line, a recursive function (frames nested, the spare
# one taken), breakpoints replaced mid-run, a step
# in from a hit, exceptions raised in and through gated calls, a generator
# (its first entry made so, its resumes the old way), a pause begun from a
# callee, the trace function replaced and set again, and a condition on an
# int beyond the small ones. Prints one list per case; the test compares
# them with the stock core's, which marks nothing.
import sys

import _mpdbg
from tracecase import marked_lines, on_call, run_cases, seen

F = __file__
LINES = marked_lines(F)


def stack(frame):
    # The frames above, up to the case's (a board runs the script from
    # frames of its own below).
    names = []
    while frame is not None and frame.f_code.co_name != "run_cases" and len(names) < 4:
        names.append((frame.f_code.co_name, frame.f_lineno))
        frame = frame.f_back
    return names


def slots(frame):
    return tuple(None if v is _mpdbg.UNBOUND else v for v in _mpdbg.slots(frame))


def hit_tracer(frame, event, arg):
    # The agent's line tracer at a hit: what it shows of the frame.
    seen.append((event, frame.f_lineno, frame.f_code.co_name, arg, slots(frame), stack(frame.f_back)))
    return hit_tracer


def stepper(frame, event, arg):
    # A step in or a pause: the agent's plain trace function sees every event.
    seen.append((event, frame.f_lineno, frame.f_code.co_name, arg))
    return stepper


def bp(names, cond):
    # One conditional breakpoint's fields, as the agent keeps them.
    return [compile(cond, "<c>", "eval"), names, eval("lambda %s:(%s)" % (",".join(names), cond)), cond]


def filter_for(bps):
    # Every call of this file wanted (the agent's `calls` for a file with
    # breakpoints in several functions), `bps` {line: fields}.
    return _mpdbg.filter({F: {0: 1}}, on_call, {F: bps}, hit_tracer)


def trace(bps):
    sys.settrace(filter_for(bps))


def add(a, b):
    return a + b  # L: add.body


def adding(n):
    t = 0
    for i in range(n):
        t = add(t, i)  # L: adding.call
    return t


def case_true_from_k():
    trace({LINES["add.body"]: bp(("a", "b"), "b >= 7")})
    adding(10)  # L: true.call


def scaled(a):
    a += 1
    return a * 2  # L: scaled.body


def case_second_line():
    # The stop gate at the second line's first instruction, not the call's.
    trace({LINES["scaled.body"]: bp(("a",), "a == 4")})
    for i in range(6):
        scaled(i)


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)  # L: fact.body


def case_recursion():
    trace({LINES["fact.body"]: bp(("n",), "n == 2")})
    fact(5)
    fact(3)


def swap_to_b(a, b):
    trace({LINES["add.body"]: bp(("a", "b"), "a == b")})


def swapping(n):
    t = 0
    for i in range(n):
        if i == 4:
            swap_to_b(t, i)
        t = add(i, i if i > 5 else 0)
    return t


def case_replaced_mid_run():
    trace({LINES["add.body"]: bp(("a", "b"), "a < 0")})
    swapping(8)


def step_in_at_hit(frame, event, arg):
    # The agent stepping in from a hit: its plain tracer from now on.
    hit_tracer(frame, event, arg)
    sys.settrace(stepper)
    return stepper


def case_step_in():
    sys.settrace(_mpdbg.filter({F: {0: 1}}, on_call, {F: {LINES["add.body"]: bp(("a", "b"), "b == 3")}}, step_in_at_hit))
    adding(6)


def div(a, b):
    return a // b  # L: div.body


def dividing(n):
    t = 0
    for i in range(n):
        try:
            t += div(10, i % 3)
        except ZeroDivisionError:
            t -= 1
    return t


def case_exceptions():
    trace({LINES["div.body"]: bp(("a", "b"), "b == 2")})
    dividing(7)


def gen(n):
    k = yield n  # L: gen.body
    while k:
        k = yield k - 1


def case_generator():
    trace({LINES["gen.body"]: bp(("n", "k"), "n == 3")})
    out = []
    for n in range(5):
        g = gen(n)
        out.append(next(g))
        out.append(g.send(2))
    seen.append(out)


def pause_at(i):
    if i == 5:
        sys.settrace(stepper)  # a pause: the agent's tracer, every event


def pausing(n):
    t = 0
    for i in range(n):
        pause_at(i)
        t = add(t, i)
    return t


def case_pause():
    trace({LINES["add.body"]: bp(("a", "b"), "a < 0")})
    pausing(7)


def case_settrace_again():
    # The same filter taken off and set again, then a new one: the marks
    # of the first hold for none of the later.
    f = filter_for({LINES["add.body"]: bp(("a", "b"), "b == 2")})
    sys.settrace(f)
    adding(3)
    sys.settrace(None)
    adding(3)
    sys.settrace(f)
    adding(4)
    trace({LINES["add.body"]: bp(("a", "b"), "b == 1")})
    adding(3)


def case_big_int():
    # Operands beyond the small ints (on every board): the condition is
    # decided on them as on small ones.
    trace({LINES["add.body"]: bp(("a", "b"), "a < 0")})
    t = 1 << 70
    for i in range(6):
        t = add(t, -(1 << 71) if i == 3 else i)
    trace({LINES["add.body"]: bp(("a", "b"), "a > b")})
    add(1 << 70, 1 << 69)
    add(1 << 69, 1 << 70)
    add(-(1 << 80), -5)
    add(7, -(1 << 80))


CASES = [
    case_true_from_k,
    case_second_line,
    case_recursion,
    case_replaced_mid_run,
    case_step_in,
    case_exceptions,
    case_generator,
    case_pause,
    case_settrace_again,
    case_big_int,
]

run_cases(CASES, lambda e: not isinstance(e, tuple) or e[2] not in ("swap_to_b", "pause_at"))
