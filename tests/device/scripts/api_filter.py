# _mpdbg.filter() with breakpoints: which events reach the agent's line
# tracer, and with what verdict on the breakpoint's condition. Prints one
# line per case; the test compares them with what plain evaluation says.
import sys

import _mpdbg
from tracecase import line_tracer, on_call, seen

F = __file__
LIMIT = 6


class Box:
    def __init__(self, x):
        self.x = x
        self.reads = 0

    @property
    def counted(self):
        self.reads += 1
        return self.x


def probe(i, s, o, flag):
    hit = i  # BP
    return hit


def other(i):
    return i + 1  # never a breakpoint


BP_LINE = [n for n, t in enumerate(open(F).read().split("\n"), 1) if t.endswith("# BP")][0]
NAMES = ("i", "s", "o", "flag", "hit")


def run(cond):
    # One breakpoint on BP_LINE with `cond`; returns (calls with True, calls
    # with another verdict) over ten probes.
    fast = None
    if cond:
        fast = eval("lambda %s:(%s)" % (",".join(NAMES), cond), globals())
    bps = {F: {BP_LINE: [compile(cond, "<c>", "eval") if cond else None, NAMES, fast, cond]}}
    seen.clear()
    box = Box(1)
    sys.settrace(_mpdbg.filter({F: {0: 1}}, on_call, bps, line_tracer))
    try:
        for i in range(10):
            box.x = i
            probe(i, "ab" if i % 2 else "cd", box, i > 7)
            other(i)
    finally:
        sys.settrace(None)
    held = [e[0] + str(e[1] == BP_LINE) + str(e[3]) for e in seen]
    return held, box.reads


def expected(cond):
    # What evaluating the condition in the frame says, probe by probe.
    out = []
    box = Box(1)
    for i in range(10):
        box.x = i
        env = {"i": i, "s": "ab" if i % 2 else "cd", "o": box, "flag": i > 7}  # hit: unbound
        try:
            out.append(bool(eval(cond, globals(), env)))
        except Exception:
            out.append(None)
    return out


CONDITIONS = [
    "i < 0",
    "i == 5",
    "i > 3 and i < 6",
    "i % 3 == 0 or i == 7",
    "not flag",
    "s == 'ab'",
    "o.x >= 8",
    "i is None",
    "-i < -7",
    "i == 123456789",
    "i == LIMIT",  # a global: the lambda is called
    "o.counted == 2",  # a property: it must run once per probe
    "1 // (i - 4) > 0",  # raises at i == 4: undecided
    "hit > 3",  # unbound on the breakpoint line: undecided
    "i > 3 or hit",  # unbound, not always read: undecided
    "len(s) == 2 and i == 3",  # a call: the lambda is called
    "[i][0] == 2",  # a list: the lambda is called
    # Comparisons of two small ints are decided without a runtime call:
    "3 < i",
    "i <= i",
    "i != -4",
    "i >= 1234567",
    "flag == 1",  # a bool is no small int: walked
    "s < 3",  # raises TypeError: undecided
    "i == hit",  # unbound: undecided
]

for cond in CONDITIONS:
    held, reads = run(cond)
    want = expected(cond)
    # True: the condition held; False: C could not tell (the agent's Python
    # path decides); a false condition never reaches the line tracer. An
    # unbound local that `or` may skip makes C leave every probe undecided.
    exact = "hit" not in cond
    verdicts = ["lineTrue" + str(bool(w) and exact) for w in want if w is not False]
    ok = held == verdicts
    if cond.startswith("o.counted"):
        ok = ok and reads == 10
    print(cond, "ok" if ok else "MISMATCH %r %r" % (held, want))

held, _ = run("")
print("no condition", "ok" if held == ["lineTrueNone"] * 10 else "MISMATCH %r" % (held,))


# While another trace function is set (the agent steps), every event of a
# frame that the filter traces goes to the line tracer.
def switch():
    sys.settrace(line_tracer)


def stepped(i):
    switch()
    x = i + 1
    return x


sys.settrace(_mpdbg.filter({F: {0: 1}}, on_call, {F: {BP_LINE: [None, NAMES, None, ""]}}, line_tracer))
seen.clear()
stepped(1)
sys.settrace(None)
base = [n for n, t in enumerate(open(F).read().split("\n"), 1) if t.startswith("def stepped")][0]
print("stepping", [(e[0], e[2], e[1] - base) for e in seen])
