# The events _mpdbg.filter()'s line tracer gets, case by case, where core
# patch 0011 gates the frames between breakpoint lines: loops with a
# breakpoint whose condition is mostly false, breakpoints replaced while the
# gated frame runs, a step begun from a callee, a generator resumed after its
# breakpoints changed, exceptions caught in a gated loop, and one-line loops
# (the gate's exactness check). Prints one list per case; the test compares
# them with the stock core's, which gates nothing.
import sys

import _mpdbg
from tracecase import line_tracer, marked_lines, on_call, run_cases, seen

F = __file__
LINES = marked_lines(F)


def bp(names, cond=None):
    # One breakpoint's fields, as the agent keeps them.
    if cond is None:
        return [None, names, None, ""]
    return [compile(cond, "<c>", "eval"), names, eval("lambda %s:(%s)" % (",".join(names), cond)), cond]


def trace(bps):
    sys.settrace(_mpdbg.filter({F: {0: 1}}, on_call, {F: bps}, line_tracer))


# Each case runs under a filter with breakpoints and returns nothing: what
# matters is `seen`.


def loop(n):
    i = 0
    t = 0
    while i < n:  # L: loop.while
        t += i & 7  # L: loop.body
        i += 1  # L: loop.step
    return t


def case_loop():
    names = ("n", "i", "t")
    trace({LINES["loop.body"]: bp(names, "i == 3 or i == 7"), LINES["loop.step"]: bp(names, "i < 0")})
    loop(10)


def for_loop(items):
    s = 0
    for x in items:  # L: for.head
        s += x  # L: for.body
    return s


def case_for():
    names = ("items", "s", "x")
    trace({LINES["for.head"]: bp(names, "s == 3"), LINES["for.body"]: bp(names, "x == 2")})
    for_loop([1, 2, 3, 4])


def change(i, to):
    if i == 3:
        to()


def replaced(n):
    i = 0
    while i < n:
        change(i, replace_bps)  # L: replaced.call
        i += 1  # L: replaced.step
    return i


def replace_bps():
    names = ("n", "i")
    trace({LINES["replaced.step"]: bp(names)})


def case_replaced():
    trace({LINES["replaced.call"]: bp(("n", "i"), "i < 0")})
    replaced(6)


def step_in_callee():
    # What a step begun in a callee does: every event to the line tracer.
    sys.settrace(line_tracer)


def stepped(n):
    i = 0
    while i < n:
        change(i, step_in_callee)  # L: stepped.call
        i += 1
    return i


def case_step():
    trace({LINES["stepped.call"]: bp(("n", "i"), "i < 0")})
    stepped(5)


def gen(n):
    k = 0
    while k < n:
        yield k  # L: gen.yield
        k += 1  # L: gen.step


def case_generator():
    names = ("n", "k")
    trace({LINES["gen.yield"]: bp(names, "k == 1")})
    g = gen(6)
    out = [next(g), next(g), next(g)]
    trace({LINES["gen.step"]: bp(names, "k > 3")})
    out += list(g)
    seen.append(out)


def caught(n):
    bad = 0
    for i in range(n):
        try:
            if i % 2:
                raise ValueError(i)
            bad += 0
        except ValueError:
            bad += 1  # L: caught.handler
    return bad


def case_exception():
    trace({LINES["caught.handler"]: bp(("n", "bad", "i"), "i == 5")})
    caught(8)


def one_line(n):
    i = 0
    while i < n: i += 1  # L: one.while  # noqa: E701
    s = 0
    for x in range(n): s += x  # L: one.for  # noqa: E701
    return i + s


def case_one_line():
    names = ("n", "i", "s", "x")
    trace({LINES["one.while"]: bp(names, "i == 2"), LINES["one.for"]: bp(names, "x == 3")})
    one_line(5)


def callee(i):
    return i + 1  # L: callee.ret


def calls(n):
    t = 0
    for i in range(n):
        t = callee(t)  # L: calls.call
    return t


def case_calls():
    trace({LINES["callee.ret"]: bp(("i",), "i == 2"), LINES["calls.call"]: bp(("n", "t", "i"), "i == 4")})
    calls(6)


# Core patch 0013: a code object with one breakpoint line runs under a stop
# gate (every instruction but the line's first), which lasts across
# FOR_ITER, and its false conditions are decided with no event.


def for_items(items):
    s = 0
    for x in items:
        s += x  # L: stop.for
        s -= 1
    return s


def case_stop_for():
    trace({LINES["stop.for"]: bp(("items", "s", "x"), "x == 5")})
    for_items([1, 2, 3, 4, 5, 6, 7])


def nested(n):
    t = 0
    for i in range(n):
        j = 0
        while j < n:
            t += i * j  # L: stop.inner
            j += 1
    return t


def case_stop_nested():
    trace({LINES["stop.inner"]: bp(("n", "t", "i", "j"), "j == i")})
    nested(4)


def case_stop_while_true_at_k():
    trace({LINES["loop.step"]: bp(("n", "i", "t"), "i >= 6")})
    loop(9)


def case_stop_for_head():
    # The breakpoint on a `for` line, which holds a FOR_ITER: a range gate.
    trace({LINES["for.head"]: bp(("items", "s", "x"), "s == 6")})
    for_loop([1, 2, 3, 4])


def raising(n):
    bad = 0
    for i in range(n):
        try:
            bad += i  # L: stop.try
            if i % 3 == 1:
                raise KeyError(i)
        except KeyError:
            bad -= 1
    return bad


def case_stop_exception():
    trace({LINES["stop.try"]: bp(("n", "bad", "i"), "i == 4")})
    raising(7)


def gen_stop(n):
    k = 0
    while k < n:
        k += 1  # L: stop.gen
        yield k


def case_stop_generator():
    trace({LINES["stop.gen"]: bp(("n", "k"), "k == 3")})
    seen.append(list(gen_stop(5)))


def swap_bps(i):
    if i == 3:
        trace({LINES["swap.call"]: bp(("n", "i")), LINES["swap.after"]: bp(("n", "i"))})


def swapped(n):
    i = 0
    while i < n:
        i += 1  # L: swap.bp
        swap_bps(i)  # L: swap.call
        i += 0  # L: swap.after
    return i


def case_stop_changed():
    # The breakpoints change from a call on a line without one, while the
    # frame is gated up to swap.bp: the new ones' events come as on stock,
    # none for the rest of the line that made the call.
    trace({LINES["swap.bp"]: bp(("n", "i"), "i < 0")})
    swapped(5)


def first_line(a):
    return a + 1  # L: stop.first


def second_line(a):
    a += 1
    return a * 2  # L: stop.second


def called(n):
    t = 0
    for i in range(n):
        t += first_line(i) + second_line(i)
    return t


def case_stop_calls():
    trace({LINES["stop.first"]: bp(("a",), "a == 2"), LINES["stop.second"]: bp(("a",), "a == 4")})
    called(6)


def armed_loop(n):
    # Armed at i == 2 by a call on the line after its stop, with no branch
    # in between (a branch would wake the frame anyway).
    me = _mpdbg.frames()[0]
    acts = [(max, (0, 0))] * n
    acts[2] = (_mpdbg.arm, (me, line_tracer))
    i = 0
    t = 0
    while i < n:
        t += i  # L: armed.bp
        act, args = acts[i]; act(*args)  # L: armed.arm
        t -= 1  # L: armed.after
        i += 1
    return t


def case_stop_armed():
    # What the debugger does from a callee's event (a pause, a step out):
    # it arms a running frame, here past its stop, for its next lines.
    trace({LINES["armed.bp"]: bp(("n", "me", "acts", "i", "t", "act", "args"), "i < 0")})
    armed_loop(5)


def returns(n):
    try:
        if n:
            return n  # L: ret.try
    finally:
        n += 1
    return n


def yields(n):
    for k in range(n):
        x = yield k  # L: ret.yield
        if x:
            return


def case_return_events():
    # No gate (every event to the tracer): `return` events come from the
    # VM's RETURN_VALUE and YIELD_VALUE, as the stock core's tick gave them.
    sys.settrace(line_tracer)
    returns(0)
    returns(2)
    g = yields(3)
    next(g)
    g.send(None)
    try:
        g.send(1)
    except StopIteration:
        pass
    sys.settrace(None)


CASES = [
    case_loop,
    case_for,
    case_replaced,
    case_step,
    case_generator,
    case_exception,
    case_one_line,
    case_calls,
    case_stop_for,
    case_stop_nested,
    case_stop_while_true_at_k,
    case_stop_for_head,
    case_stop_exception,
    case_stop_generator,
    case_stop_changed,
    case_stop_calls,
    case_stop_armed,
    case_return_events,
]

run_cases(CASES, lambda e: not isinstance(e, tuple) or e[2] != "step_in_callee")
