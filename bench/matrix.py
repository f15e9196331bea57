"""mpdbg firmware benchmark: what debugging costs on each interpreter flavour,
at three heap sizes. Prints a table of ratios against the release build; the
README quotes it.

    python3 bench/matrix.py [--runs N] [--heaps 96K,1M,8M] [--workloads calls,loops,alloc,pystone]
                            [--flavours stock,debug] [--measure both|time|instructions] [--divisor N]

Each cell shows two ratios: wall-clock time, and instructions (callgrind,
Debian's `valgrind`), the marginal cost: the difference between the
workload at its timed size / N and at twice that, per unit of size, which
leaves start-up and attach out. Instructions hold on any machine; time holds
only on the one that measured it (printed above the table).
On a machine that other jobs load, time it under `chrt -f 1` (root):
SCHED_FIFO keeps them off the CPU of each run.

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
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import callgrind  # noqa: E402
from bench import interpreter_for, machine, marker_line, measures, mpdbg_bin, run_plain  # noqa: E402
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


def count_row(exe, interps, script, heap, columns, divisor, folder):
    """The marginal instructions per unit of each column; None for a column
    over SLOW times the release build's at the small size (stock settrace's
    calls: the time table says what it costs)."""
    wrappers = {}
    small_counts = {}
    result = {}
    try:
        for column in columns:
            flavour, mode = column
            counts = {}
            for size in callgrind.sizes_for(script, divisor):
                copy = callgrind.sized(script, size, folder)
                if mode == "plain":
                    counts[size] = callgrind.count([interps[flavour], "-X", "heapsize=" + heap, copy])
                else:
                    if flavour not in wrappers:
                        wrappers[flavour] = callgrind.Wrapper(interps[flavour])
                    w = wrappers[flavour]
                    counts[size] = w.count(lambda: run_attached(exe, w.path, copy, heap, mode), copy)
                if not small_counts.get(column):
                    small_counts[column] = counts[size]
                    if counts[size] > SLOW * small_counts[columns[0]]:
                        break
            result[column] = callgrind.marginal(counts) if len(counts) == 2 else None
    finally:
        for w in wrappers.values():
            w.close()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--heaps", default="96K,1M,8M", help="heap sizes (-X heapsize=); the agent starts in 40K")
    ap.add_argument("--workloads", default="calls,loops,alloc,pystone")
    ap.add_argument("--flavours", default="stock,debug", help="the columns to measure besides release")
    ap.add_argument("--measure", choices=("both", "time", "instructions"), default="both")
    ap.add_argument("--divisor", type=int, default=20, help="instruction counts at the timed size / N and twice that")
    args = ap.parse_args()
    timing, counting = measures(args.measure)
    modes = [m for m in MODES if m[1] in args.flavours.split(",")]
    exe = mpdbg_bin()
    interps = {f: interpreter_for(exe, f) for f in ("release", "stock", "debug")}

    header = "| workload | heap | release |" + "".join(" %s |" % t for t, _, _ in modes)
    shown = []
    if timing:
        shown.append("wall-clock time (fastest of %d runs, taken in turn; columns over %dx: one run)" % (args.runs, SLOW))
    if counting:
        shown.append(
            "instructions (callgrind, marginal: the timed size / %d and twice that; columns over %dx: not counted)"
            % (args.divisor, SLOW)
        )
    print("mpdbg firmware benchmark: ratios against the release build, %s" % " / ".join(shown))
    print("Machine: %s" % machine())
    print()
    print(header)
    print("|---" * (3 + len(modes)) + "|")
    worst = {}
    growth = {}
    columns = [("release", "plain")] + [(f, m) for _, f, m in modes]
    worst_ins = {}
    folder = tempfile.mkdtemp(prefix="mpdbg-matrix-")
    try:
        for name in args.workloads.split(","):
            script = os.path.join(HERE, "workloads", name + ".py")
            for heap in args.heaps.split(","):
                if timing:
                    times, grown = measure_row(exe, interps, script, heap, columns, args.runs)
                if counting:
                    counts = count_row(exe, interps, script, heap, columns, args.divisor, folder)
                base = []
                if timing:
                    base.append("%.1f ms" % (times[columns[0]] / 1000))
                if counting:
                    base.append("%.0f instructions per unit" % counts[columns[0]])
                cells = [" / ".join(base)]
                for column in columns[1:]:
                    cell = []
                    if timing:
                        ratio = times[column] / times[columns[0]]
                        cell.append("%.2fx" % ratio)
                        worst[column] = max(worst.get(column, 0), ratio)
                        if column[1] != "plain":
                            growth[column] = max(growth.get(column, 0), grown[column])
                    if counting:
                        if counts[column] is None:
                            cell.append("-")
                        else:
                            ratio = counts[column] / counts[columns[0]]
                            cell.append("%.3fx" % ratio)
                            worst_ins[column] = max(worst_ins.get(column, 0), ratio)
                    cells.append(" / ".join(cell))
                print("| %s | %s | %s |" % (name, heap, " | ".join(cells)))
                sys.stdout.flush()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print("| debug build | worst ratio%s | goal |" % {(1, 1): ": time / instructions", (1, 0): "", (0, 1): " (instructions)"}[timing, counting])
    print("|---|---|---|")
    for title, flavour, mode in modes:
        if (flavour, mode) in GOALS:
            cell = []
            if timing:
                cell.append("%.2fx" % worst[(flavour, mode)])
            if counting:
                cell.append("%.3fx" % worst_ins[(flavour, mode)])
            print("| %s | %s | <= %.2fx |" % (title, " / ".join(cell), GOALS[(flavour, mode)]))
    if timing:
        print()
        print("Heap growth across the timed part while attached and not stopped (bytes, worst run):")
        for (flavour, mode), g in sorted(growth.items()):
            print("  %s, %s: %d" % (flavour, mode, g))


if __name__ == "__main__":
    main()
