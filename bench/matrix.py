"""mpdbg firmware benchmark: what debugging costs on each interpreter flavour,
at three heap sizes. Prints a table of ratios against the release build; the
README quotes it.

    python3 bench/matrix.py [--runs N] [--heaps 64K,1M,8M] [--workloads calls,loops,alloc,pystone]
                            [--flavours stock,debug]

Flavours are built from the same pinned source by `mpdbg micropython build`:
release (no settrace), stock (settrace and _mpdbg on the unpatched core) and
debug (settrace, _mpdbg and our core patches). Modes:

  plain      the interpreter alone, no debugger
  attached   under `mpdbg dap`, a breakpoint in code that is never reached
  cond       under `mpdbg dap`, a breakpoint on a line of the hot loop whose
             condition is never true

Each workload times itself (start-up excluded) and reports its heap growth
across the timed part after gc.collect(): with the debugger attached and not
stopped it must be zero. The fastest of N runs is the cost itself; slower
runs add the shared machine's noise. The runs of a row go round its columns
in turn, so that a noisy spell affects them all alike.
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import interpreter_for, marker_line, mpdbg_bin, run_plain  # noqa: E402
from dapclient import DapClient  # noqa: E402

MODES = [
    # (column title, flavour, mode)
    ("stock, no debugger", "stock", "plain"),
    ("stock, attached", "stock", "attached"),
    ("debug, no debugger", "debug", "plain"),
    ("debug, attached", "debug", "attached"),
    ("debug, never-true condition in the hot loop", "debug", "cond"),
]
GOALS = {("debug", "plain"): 1.10, ("debug", "attached"): 1.5, ("debug", "cond"): 3.0}


def hot_breakpoint(script):
    """The line marked `# BP: hot, if CONDITION` and its condition."""
    with open(script) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"# BP: hot, if (.+)$", line)
            if m:
                return n, m.group(1).strip()
    raise ValueError("no hot breakpoint marker in " + script)


def run_attached(exe, interp, script, heap, mode):
    c = DapClient([exe, "dap"])
    try:
        c.request("initialize", adapterID="mpdbg")
        c.request("launch", program=script, micropython=interp, heapSize=heap)
        c.event("initialized")
        if mode == "cond":
            line, cond = hot_breakpoint(script)
            bp = {"line": line, "condition": cond}
        else:
            bp = {"line": marker_line(script, "BP: never reached")}
        r = c.request("setBreakpoints", source={"path": script}, breakpoints=[bp])
        assert r["breakpoints"][0]["verified"], r
        c.request("configurationDone")
        exited = c.event("exited", timeout=600)
        text = "".join(o["output"] for o in c.output if o.get("category") in ("stdout", "stderr"))
        if exited["body"]["exitCode"] != 0:
            raise RuntimeError("%s failed under the debugger:\n%s" % (script, text))
        out = text.split()
        return int(out[0]), int(out[2])
    finally:
        c.close()


def run_once(exe, interps, script, heap, flavour, mode):
    """(elapsed_us, heap growth) of one run."""
    if mode == "plain":
        elapsed, _, grown = run_plain(interps[flavour], script, heap)
        return elapsed, grown
    return run_attached(exe, interps[flavour], script, heap, mode)


# A column this many times slower than the release build is measured once:
# the machine's noise cannot change what it says (stock settrace's calls).
SLOW = 20


def measure_row(exe, interps, script, heap, columns, runs):
    """The fastest time and the worst heap growth of each column. The runs
    go round the columns in turn, so that a noisy spell of this shared
    machine falls on every column rather than on one."""
    times = {c: [] for c in columns}
    growth = {c: 0 for c in columns}
    for r in range(runs):
        for c in columns:
            if r and times[c][0] > SLOW * times[columns[0]][0]:
                continue
            t, g = run_once(exe, interps, script, heap, *c)
            times[c].append(t)
            growth[c] = max(growth[c], g)
    return {c: min(times[c]) for c in columns}, growth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--heaps", default="64K,1M,8M")
    ap.add_argument("--workloads", default="calls,loops,alloc,pystone")
    ap.add_argument("--flavours", default="stock,debug", help="the columns to measure besides release")
    args = ap.parse_args()
    modes = [m for m in MODES if m[1] in args.flavours.split(",")]
    exe = mpdbg_bin()
    interps = {f: interpreter_for(exe, f) for f in ("release", "stock", "debug")}

    header = "| workload | heap | release |" + "".join(" %s |" % t for t, _, _ in modes)
    print(
        "mpdbg firmware benchmark: ratio of run time against the release build"
        " (fastest of %d runs, taken in turn; columns over %dx: one run)" % (args.runs, SLOW)
    )
    print()
    print(header)
    print("|---" * (3 + len(modes)) + "|")
    worst = {}
    growth = {}
    columns = [("release", "plain")] + [(f, m) for _, f, m in modes]
    for name in args.workloads.split(","):
        script = os.path.join(HERE, "workloads", name + ".py")
        for heap in args.heaps.split(","):
            times, grown = measure_row(exe, interps, script, heap, columns, args.runs)
            base = times[columns[0]]
            cells = ["%.1f ms" % (base / 1000)]
            for column in columns[1:]:
                ratio = times[column] / base
                cells.append("%.2fx" % ratio)
                worst[column] = max(worst.get(column, 0), ratio)
                if column[1] != "plain":
                    growth[column] = max(growth.get(column, 0), grown[column])
            print("| %s | %s | %s |" % (name, heap, " | ".join(cells)))
            sys.stdout.flush()
    print()
    print("| debug build | worst ratio | goal |")
    print("|---|---|---|")
    for title, flavour, mode in modes:
        if (flavour, mode) in GOALS:
            print("| %s | %.2fx | <= %.2fx |" % (title, worst[(flavour, mode)], GOALS[(flavour, mode)]))
    print()
    print("Heap growth across the timed part while attached and not stopped (bytes, worst run):")
    for (flavour, mode), g in sorted(growth.items()):
        print("  %s, %s: %d" % (flavour, mode, g))


if __name__ == "__main__":
    main()
