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


CASES = [case_loop, case_for, case_replaced, case_step, case_generator, case_exception, case_one_line, case_calls]

run_cases(CASES, lambda e: not isinstance(e, tuple) or e[2] != "step_in_callee")
