"""mpdbg benchmark: what attaching the debugger costs on the built-in debug
MicroPython. Prints a table; the README quotes its figures.

On a machine that other jobs load, time it under `chrt -f 1` (root):
SCHED_FIFO keeps them off the CPU of each run; otherwise their bursts of
load move the wall clock far more than what is measured.

    python3 bench/bench.py [--runs N] [--measure both|time|instructions] [--divisor N] [--settle MS]

Measures (1) run time of a call-heavy and a loop-heavy workload attached to
`mpdbg dap` with a breakpoint in code never reached, against the same
interpreter without a debugger (each workload times itself, so start-up is
excluded; the runs of both take turns, so that a noisy spell of the machine
falls on both), once timed at once and once after the workload slept
`--settle` ms (both runs alike): on this machine's virtual CPU the program
after the debugger's start-up runs slower with the same instructions until
its process has been off the CPU a few ms (README: "Where the attached
column's wall-clock gap goes"); and the same in instructions (callgrind; needs Debian's
`valgrind`): the marginal cost, the difference between the workload at its
timed size / N and at twice that, which leaves start-up and attach out and
holds on any machine where time does not; (2) the agent's heap after `import` and after attach
(`gc.mem_alloc()` differences); (3) the median time from a DAP `next` request
to its `stopped` event; (4) bytes on the device link per stop.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "device"))
import callgrind  # noqa: E402
from agentlink import AgentLink, message  # noqa: E402
from dapclient import DapClient  # noqa: E402


def machine():
    """The CPU, its cores and the load: timings hold only there."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, load average %.1f" % (model, os.cpu_count() or 0, os.getloadavg()[0])


def measures(choice):
    """(time?, instructions?) from --measure."""
    if choice in ("both", "instructions"):
        callgrind.require_valgrind()
    return choice in ("both", "time"), choice in ("both", "instructions")


def mpdbg_bin():
    exe = os.environ.get("MPDBG_BIN") or os.path.join(REPO, "target", "release", "mpdbg")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "mpdbg"], cwd=REPO, check=True)
    return exe


def interpreter_for(exe, flavour="debug"):
    out = subprocess.run([exe, "micropython", "build", "--flavour", flavour], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def marker_line(path, marker):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    raise ValueError(marker)


def run_plain(interp, script, heap=None):
    options = ["-X", "heapsize=" + heap] if heap else []
    out = subprocess.run([interp, *options, script], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


def run_attached(exe, interp, script):
    c = DapClient([exe, "dap"])
    try:
        c.request("initialize", adapterID="mpdbg")
        c.request("launch", program=script, micropython=interp)
        c.event("initialized")
        line = marker_line(script, "BP: never reached")
        bps = c.request("setBreakpoints", source={"path": script}, breakpoints=[{"line": line}])
        assert bps["breakpoints"][0]["verified"], bps
        c.request("configurationDone")
        c.event("exited", timeout=300)
        text = "".join(o["output"] for o in c.output if o.get("category") == "stdout")
        out = text.split()
        return int(out[0]), int(out[1]), int(out[2])
    finally:
        c.close()


# The line of a workload after which its timed part begins (its heap
# measure, then the clock).
TIMED_PART = "t0 = t1 = start = 0  # bound now, so the measurement allocates nothing\n"


def settled(script, ms, folder):
    """A copy of the workload `script` in `folder` that sleeps `ms` ms just
    before its timed part (the original stays as it is: its heap figures
    would change with its code); returns its path."""
    with open(script) as f:
        source = f.read()
    if source.count(TIMED_PART) != 1:
        raise ValueError("%s: no line %r" % (script, TIMED_PART.strip()))
    path = os.path.join(folder, os.path.basename(script))
    with open(path, "w") as f:
        f.write(source.replace(TIMED_PART, TIMED_PART + "time.sleep_ms(%d)\n" % ms))
    return path


def in_turn(runs, measures):
    """Each of `measures` (no-argument callables) run `runs` times, taking
    turns (a, b, a, b, ...): a slow spell of the machine then falls on all
    of them rather than on the one that ran then. Their results, in order."""
    results = [[] for _ in measures]
    for _ in range(runs):
        for out, measure in zip(results, measures):
            out.append(measure())
    return results


def attached_instructions(exe, interp, script, divisor, run=None):
    """Marginal instructions per unit of the workload's size: (plain,
    attached), attached through `mpdbg dap` with the interpreter under
    callgrind. `run(exe, interp, script)` runs one attached session."""
    run = run or run_attached
    tmp = tempfile.mkdtemp(prefix="mpdbg-bench-")
    wrapper = callgrind.Wrapper(interp)
    try:
        plain, attached = {}, {}
        for size in callgrind.sizes_for(script, divisor):
            copy = callgrind.sized(script, size, tmp)
            plain[size] = callgrind.count([interp, copy])
            attached[size] = wrapper.count(lambda: run(exe, wrapper.path, copy), copy)
        return callgrind.marginal(plain), callgrind.marginal(attached)
    finally:
        wrapper.close()
        shutil.rmtree(tmp, ignore_errors=True)


def agent_import_heap(interp):
    code = "import gc\ngc.collect()\na = gc.mem_alloc()\nimport mpdbg\ngc.collect()\nprint(gc.mem_alloc() - a)\n"
    env = dict(os.environ, MICROPYPATH=os.path.join(REPO, "agent"))
    return int(subprocess.run([interp, "-c", code], capture_output=True, text=True, env=env, check=True).stdout)


def step_latency(exe, interp, steps):
    script = os.path.join(HERE, "workloads", "stepping.py")
    c = DapClient([exe, "dap"])
    try:
        c.request("initialize", adapterID="mpdbg")
        c.request("launch", program=script, micropython=interp)
        c.event("initialized")
        c.request("setBreakpoints", source={"path": script}, breakpoints=[{"line": marker_line(script, "BP: first stop")}])
        c.request("configurationDone")
        c.event("stopped")
        c.request("setBreakpoints", source={"path": script}, breakpoints=[])
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            c.send("next", threadId=1)
            c.event("stopped")
            times.append((time.perf_counter() - t0) * 1000)
            # What an editor asks at every stop.
            c.request("stackTrace", threadId=1, startFrame=0, levels=20)
        return statistics.median(times)
    finally:
        c.close()


class CountingLink(AgentLink):
    """The agent's link, counting bytes each way."""

    def __init__(self, interp, script):
        super().__init__(interp, script)
        self.sent = self.received = 0

    def send(self, kind, *fields):
        self.sent += len(message(kind, *fields))
        super().send(kind, *fields)

    def until(self, kind):
        # Frames only: stepping.py prints nothing, so every byte is protocol.
        k, f = self.recv()
        while k != kind:
            k, f = self.recv()
        self.received += len(message(k, *f))
        return f


def stop_for_stepping(link, script):
    """From the agent's start: stopped at stepping.py's first stop, with no
    breakpoint left (every later stop is a step's)."""
    link.until(b"S")  # start
    link.send(b"B", 1, script, marker_line(script, "BP: first stop"), "", "", 0)
    link.until(b"R")
    link.send(b"C", 2)
    link.until(b"S")
    link.send(b"B", 3, script)
    link.until(b"R")


def bytes_per_stop(interp, stops):
    script = os.path.join(HERE, "workloads", "stepping.py")
    link = CountingLink(interp, script)
    stop_for_stepping(link, script)
    link.sent = link.received = 0
    notify = 0
    for i in range(stops):
        link.send(b"N", 10 + i)
        before = link.received
        link.until(b"S")
        notify += link.received - before
        link.send(b"T", 0, 0, 20)
        link.until(b"K")
        link.send(b"L", 0, 0)
        link.until(b"V")
    total = (link.sent + link.received) / stops
    link.close()
    return notify / stops, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--measure", choices=("both", "time", "instructions"), default="both")
    ap.add_argument("--divisor", type=int, default=10, help="instruction counts at the timed size / N and twice that")
    ap.add_argument("--settle", type=int, default=10, help="ms the workload sleeps before its timed part in the settled runs")
    args = ap.parse_args()
    timing, counting = measures(args.measure)
    exe = mpdbg_bin()
    interp = interpreter_for(exe)
    rows = []
    attach_heap = []
    settle_folder = tempfile.mkdtemp(prefix="mpdbg-bench-")
    for name in ("calls", "loops"):
        script = os.path.join(HERE, "workloads", name + ".py")
        row = {"name": name}
        if timing:
            calm = settled(script, args.settle, settle_folder)
            plain, attached, plain_settled, attached_settled = in_turn(
                args.runs,
                [
                    lambda: run_plain(interp, script),
                    lambda: run_attached(exe, interp, script),
                    lambda: run_plain(interp, calm),
                    lambda: run_attached(exe, interp, calm),
                ],
            )
            # The fastest run is the cost itself; slower ones add the machine's
            # noise (a shared 2-core VM shows 30% outliers in every mode).
            row["plain"] = min(r[0] for r in plain) / 1000
            row["attached"] = min(r[0] for r in attached) / 1000
            row["plain_median"] = statistics.median(r[0] for r in plain) / 1000
            row["attached_median"] = statistics.median(r[0] for r in attached) / 1000
            row["settled"] = min(r[0] for r in attached_settled) / min(r[0] for r in plain_settled)
            row["settled_median"] = statistics.median(r[0] for r in attached_settled) / statistics.median(
                r[0] for r in plain_settled
            )
            attach_heap.append(statistics.median(r[1] for r in attached) - statistics.median(r[1] for r in plain))
        if counting:
            row["plain_ins"], row["attached_ins"] = attached_instructions(exe, interp, script, args.divisor)
        rows.append(row)
    shutil.rmtree(settle_folder, ignore_errors=True)
    heap_rows = timing
    if heap_rows:
        imported = agent_import_heap(interp)
        latency = step_latency(exe, interp, args.steps)
        notify, per_stop = bytes_per_stop(interp, args.steps)

    print("mpdbg benchmark (built-in debug MicroPython, %d runs each; %s)" % (args.runs, machine()))
    print()
    print(
        "| workload | no debugger: fastest (median) | attached, breakpoint never reached: fastest (median) | time ratio"
        " | time ratio, both after %d ms asleep: fastest (median) | instructions per unit, no debugger / attached (marginal)"
        " | instruction ratio | target |" % args.settle
    )
    print("|---|---|---|---|---|---|---|---|")
    targets = {"calls": 1.5, "loops": 1.1}
    units = {"calls": "call", "loops": "iteration"}
    for r in rows:
        name = r["name"]
        cells = ["%s-heavy" % name[:-1]]
        if timing:
            cells += [
                "%.1f ms (%.1f)" % (r["plain"], r["plain_median"]),
                "%.1f ms (%.1f)" % (r["attached"], r["attached_median"]),
                "%.2fx" % (r["attached"] / r["plain"]),
                "%.2fx (%.2fx)" % (r["settled"], r["settled_median"]),
            ]
        else:
            cells += ["-", "-", "-", "-"]
        if counting:
            cells += [
                "%.1f / %.1f per %s" % (r["plain_ins"], r["attached_ins"], units[name]),
                "%.3fx" % (r["attached_ins"] / r["plain_ins"]),
            ]
        else:
            cells += ["-", "-"]
        cells.append("<= %.1fx" % targets[name])
        print("| " + " | ".join(cells) + " |")
    if not heap_rows:
        return
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| agent heap after import | %d bytes | |" % imported)
    print("| agent heap after attach (program's view) | %d bytes | <= 8192 bytes |" % max(attach_heap))
    print("| `next` request to `stopped` event (median of %d) | %.2f ms | <= 5 ms |" % (args.steps, latency))
    print("| device link bytes per stop: stop message | %.0f bytes | |" % notify)
    print("| device link bytes per stop: step + stop + stack + locals | %.0f bytes | <= 300 bytes |" % per_stop)


if __name__ == "__main__":
    main()
