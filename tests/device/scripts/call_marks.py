# The events _mpdbg.filter()'s line tracer and a plain trace function get,
# case by case, where core patch 0012 lets the VM mark codes whose calls the
# call filter answers alike (until sys.settrace or new bytecode drops the
# marks): calls of a code marked untraced run with no call at all, those of
# one marked traced skip the filter. A breakpoint set in marked code mid-run
# and one removed, a step and a pause begun while it runs, the trace
# function replaced and set again, a step over (whose resumed generators
# need the agent), generators, closures, bound methods, one code shared by
# several function objects, more codes than the VM's table holds, and new
# code taking the place of freed marked code. Prints one list per case; the
# test compares them with the stock core's, which marks nothing.
import gc
import sys

import _mpdbg
from tracecase import line_tracer, marked_lines, on_call, run_cases, seen

F = __file__
LINES = marked_lines(F)


def stepper(frame, event, arg):
    # A step in or a pause: the agent's plain trace function sees every call.
    seen.append((event, frame.f_lineno, frame.f_code.co_name, arg))
    return line_tracer


def bp(names):
    # One unconditional breakpoint's fields, as the agent keeps them.
    return [None, names, None, ""]


def filter_for(calls, bps, file=F):
    # The agent's filter: `calls` the definition lines of the functions with
    # a breakpoint, `bps` {line: fields}.
    return _mpdbg.filter({file: {line: 1 for line in calls}}, on_call, {file: bps}, line_tracer)


def elsewhere():
    # The benchmarks' set-up: one breakpoint in code never reached.
    return filter_for([LINES["never.def"]], {LINES["never.body"]: bp(())})


def never():  # L: never.def
    return 0  # L: never.body


def target(i):  # L: target.def
    return i + 1  # L: target.body


def target_bp():
    return filter_for([LINES["target.def"]], {LINES["target.body"]: bp(("i",))})


def case_breakpoint_mid_run():
    sys.settrace(elsewhere())
    t = 0
    for i in range(40):
        if i == 20:
            sys.settrace(target_bp())
        t += target(i)
    seen.append(t)


def case_breakpoint_removed():
    sys.settrace(target_bp())
    for i in range(5):
        target(i)  # marked traced
    sys.settrace(elsewhere())
    for i in range(5):
        target(10 + i)


def case_step_over_resumes():
    sys.settrace(elsewhere())
    g = gen(6)
    out = [next(g), next(g)]  # gen's code marked untraced
    # A step over: a generator resumed by its consumer reports its lines.
    sys.settrace(_mpdbg.filter({F: {LINES["never.def"]: 1}}, on_call, {F: {LINES["never.body"]: bp(())}}, line_tracer, True))
    out.append(next(g))
    out.append(next(g))
    seen.append(out)


def case_step_in():
    sys.settrace(elsewhere())
    for i in range(12):
        if i == 9:
            sys.settrace(stepper)
        target(i)


def pausing(i):  # L: pausing.def
    if i == 7:
        # A pause arrives while marked code runs: the agent sets its plain
        # trace function from inside it (a wake callback).
        sys.settrace(stepper)
    return i  # L: pausing.ret


def case_pause():
    sys.settrace(elsewhere())
    for i in range(10):
        pausing(i)
        target(i)


def case_settrace_replaced():
    a = elsewhere()
    sys.settrace(a)
    for i in range(5):
        target(i)
    sys.settrace(target_bp())
    target(100)
    sys.settrace(a)  # the same filter again: its marks were dropped, its answers hold
    for i in range(5):
        target(200 + i)
    sys.settrace(stepper)
    target(300)
    sys.settrace(None)
    target(400)
    sys.settrace(a)
    target(500)


def gen(n):  # L: gen.def
    k = 0
    while k < n:
        yield k  # L: gen.yield
        k += 1


def case_generator():
    sys.settrace(elsewhere())
    g = gen(8)
    out = [next(g) for _ in range(4)]
    other = gen(3)
    out += list(other)  # the same code, run to its end: marked
    sys.settrace(filter_for([LINES["gen.def"]], {LINES["gen.yield"]: bp(("n", "k"))}))
    out += list(g)
    seen.append(out)


def make_adder(k):
    def add(x):  # L: add.def
        return x + k  # L: add.body

    return add


def case_closure():
    sys.settrace(elsewhere())
    t = 0
    for i in range(6):
        t = make_adder(i)(t)  # a new closure each time, one code
    keep = make_adder(10)
    t = keep(t)
    sys.settrace(filter_for([LINES["add.def"]], {LINES["add.body"]: bp(("x", "k"))}))
    t = keep(t)
    t = make_adder(20)(t)
    seen.append(t)


class Counter:
    def __init__(self):
        self.n = 0

    def bump(self, by):  # L: bump.def
        self.n += by  # L: bump.body
        return self.n


def case_bound_method():
    sys.settrace(elsewhere())
    c = Counter()
    bump = c.bump
    for i in range(5):
        bump(i)
        c.bump(1)
    sys.settrace(filter_for([LINES["bump.def"]], {LINES["bump.body"]: bp(("self", "by"))}))
    bump(7)
    Counter.bump(c, 8)
    seen.append(c.n)


def shared_code():
    out = []
    for d in (1, 2, 3):

        def f(x, d=d):  # L: shared.def
            return x * d  # L: shared.body

        out.append(f)
    return out


def case_shared_code():
    fs = shared_code()  # three function objects, one code
    sys.settrace(elsewhere())
    t = 0
    for i in range(4):
        t += fs[0](i)
    sys.settrace(filter_for([LINES["shared.def"]], {LINES["shared.body"]: bp(("x", "d"))}))
    for f in fs:
        t += f(5)
    seen.append(t)


# More codes than the VM's table of marks holds (32): they take each other's
# places; the one with a breakpoint (m40, defined on line 41) stops every
# time.
MANY = []
for _k in range(48):
    exec("\n" * _k + "def m%d(x):\n    return x + %d\n" % (_k, _k), globals())
    MANY.append(globals()["m%d" % _k])


def case_many_codes():
    sys.settrace(filter_for([41], {42: bp(("x",))}, file="<string>"))
    t = 0
    for _ in range(3):
        for m in MANY:
            t = m(t)
    seen.append(t)


def run_dynamic(name):
    # Compiles the same two-line function under `name` and calls it.
    glb = {}
    exec(compile("def dyn(x):\n    return x + 1\n", name, "exec"), glb)
    return glb["dyn"](1)


def case_new_code():
    # A breakpoint set before its file is loaded (as a debugger does); the
    # same-sized code of another file ran and was freed first, so the new
    # code may take its addresses.
    a = _mpdbg.filter({"fresh": {1: 1}}, on_call, {"fresh": {2: bp(("x",))}}, line_tracer)
    sys.settrace(a)
    out = []
    for _ in range(3):
        out.append(run_dynamic("plain"))
    gc.collect()
    for _ in range(2):
        out.append(run_dynamic("fresh"))
        gc.collect()
    seen.append(out)


CASES = [
    case_breakpoint_mid_run,
    case_breakpoint_removed,
    case_step_over_resumes,
    case_step_in,
    case_pause,
    case_settrace_replaced,
    case_generator,
    case_closure,
    case_bound_method,
    case_shared_code,
    case_many_codes,
    case_new_code,
]

run_cases(CASES)
