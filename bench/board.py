"""mpdbg on the emulated board (`mpdbg emulate`: our qemu-mps2 firmware on
QEMU's mps2-an385, a Cortex-M3), through its UART's pty. Prints the README's
board figures.

    python3 bench/board.py [--steps N] [--runs N] [--workloads calls,loops,alloc,pystone]
                           [--columns release:plain,debug:cond,...] [--matrix-only]

Measures (1) the firmware's size per flavour (`arm-none-eabi-size`); (2) the
agent's heap after `import` and after attach (`gc.mem_alloc()` differences,
as bench.py on the host); (3) the median time from the agent's `next` to its
`stopped` message, and from `pause` to `stopped` in a loop that makes no
calls, on the device protocol over the pty (wall time: QEMU runs as fast as
the host lets it); (4) the benchmark workloads' ratios against the release
firmware, with QEMU's `-icount shift=0` (`mpdbg emulate --icount 0`): the
board's clock counts executed instructions, 1 ns each, so the ratios are
instruction-count ratios, independent of the host's load. The debugger is
attached at the device protocol (the agent, a breakpoint never reached, or a
never-true condition in the hot loop), as `mpdbg dap` attaches it.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "device"))
from agentlink import AGENT, AgentLink  # noqa: E402
from bench import marker_line, mpdbg_bin, stop_for_stepping  # noqa: E402
from matrix import hot_breakpoint  # noqa: E402
from qemuboard import QemuBoard  # noqa: E402

IMPORT_HEAP = "import gc, sys\nsys.path.append({folder!r})\ngc.collect()\na = gc.mem_alloc()\nimport mpdbg\ngc.collect()\nprint(gc.mem_alloc() - a)\n"
ATTACH_HEAP = "import gc\n\n\ndef never_called():  # line 4\n    return 0  # line 5\n\n\ngc.collect()\nprint('heap', gc.mem_alloc())\n"


def firmware_sizes(exe):
    rows = []
    for flavour in ("release", "stock", "debug"):
        out = subprocess.run(
            [exe, "micropython", "build", "--board", "qemu", "--flavour", flavour], capture_output=True, text=True, check=True
        )
        elf = out.stdout.strip().splitlines()[-1]
        size = subprocess.run(["arm-none-eabi-size", elf], capture_output=True, text=True, check=True).stdout
        text, data, bss = size.splitlines()[1].split()[:3]
        rows.append((flavour, int(text), int(data), int(bss)))
    return rows


def agent_heap(board, tmp):
    board.soft_reset()
    folder = os.path.dirname(AGENT)
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            board.put(os.path.join(folder, name))
    imported = int(board.exec_raw(IMPORT_HEAP.format(folder=os.path.dirname(AGENT))))
    path = os.path.join(tmp, "heap.py")
    with open(path, "w") as f:
        f.write(ATTACH_HEAP)
    plain = int(board.run(path).stdout.split()[1])
    with AgentLink(board, path) as link:
        link.until(b"S")
        link.send(b"B", 1, path, 5, "", "", 4)  # line 5, in the code object of line 4
        link.until(b"R")
        link.send(b"C", 2)
        link.until(b"D")
        link.proc.wait()
        attached = int((link.output + link.proc.stdout.read()).split(b"heap ")[1].split()[0])
    return imported, attached - plain


def step_latency(board, steps):
    script = os.path.join(HERE, "workloads", "stepping.py")
    with AgentLink(board, script) as link:
        stop_for_stepping(link, script)
        times = []
        for i in range(steps):
            t0 = time.perf_counter()
            link.send(b"N", 10 + i)
            link.until(b"S")
            times.append((time.perf_counter() - t0) * 1000)
            link.send(b"T", 0, 0, 20)  # what an editor asks at every stop
            link.until(b"K")
    return statistics.median(times)


PAUSE_PROGRAM = "n = 0\nwhile True:\n    n += 1\n"


def pause_latency(board, tmp, runs):
    path = os.path.join(tmp, "spin.py")
    with open(path, "w") as f:
        f.write(PAUSE_PROGRAM)
    times = []
    for i in range(runs):
        with AgentLink(board, path) as link:
            link.until(b"S")
            link.send(b"C", 1)
            t0 = time.perf_counter()
            link.send(b"P", 3)
            link.until(b"S")
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def breakpoint_fields(script, line, cond=""):
    """`B`'s (line, condition, names, call line) as `mpdbg dap` sends them,
    for the workloads' plain functions: the slot names are the parameters
    then the locals in order of appearance (CPython's co_varnames agrees
    with MicroPython's numbering there), the call line the `def` line."""
    with open(script) as f:
        module = compile(f.read(), script, "exec")
    found = None
    todo = [module]
    while todo:
        code = todo.pop()
        todo.extend(c for c in code.co_consts if hasattr(c, "co_lines"))
        if code is not module and any(ln == line for _, _, ln in code.co_lines()):
            found = code
    if found is None:
        return line, cond, "", 0
    return line, cond, ",".join(found.co_varnames), found.co_firstlineno


def timed(board, script, heap, mode):
    """The workload's own timing (board µs = instructions / 1000 under -icount 0)."""
    return int(run_workload(board, script, heap, mode).split()[0])


def run_workload(board, script, heap, mode):
    """The workload's output, run plainly or attached at the device protocol
    as `mpdbg dap` attaches (mode: plain, attached, cond)."""
    if mode == "plain":
        return board.run(script, heap=heap, timeout=1200).stdout
    with AgentLink(board, script) as link:
        link.until(b"S")
        if mode == "attached":
            link.send(b"B", 1, script, *breakpoint_fields(script, marker_line(script, "BP: never reached")))
        else:
            link.send(b"B", 1, script, *breakpoint_fields(script, *hot_breakpoint(script)))
        link.until(b"R")
        link.send(b"C", 2)
        # A workload runs for minutes on a loaded machine under -icount.
        link.until(b"D", timeout=1200)
        link.proc.wait(timeout=1200)
        return (link.output + link.proc.stdout.read()).decode()


COLUMNS = [
    ("release", "plain"),
    ("stock", "plain"),
    ("stock", "attached"),
    ("debug", "plain"),
    ("debug", "attached"),
    ("debug", "cond"),
]
TITLES = ["release", "stock, no debugger", "stock, attached", "debug, no debugger", "debug, attached", "debug, never-true condition in the hot loop"]


def matrix(exe, workloads, heap, columns):
    boards = {f: QemuBoard([exe], f, REPO, ["--icount", "0"]) for f in sorted({f for f, _ in columns})}
    rows = []
    try:
        for name in workloads:
            script = os.path.join(HERE, "workloads", name + ".py")
            row = [timed(boards[f], script, heap, mode) for f, mode in columns]
            print("  (%s: %s)" % (name, row), file=sys.stderr)
            rows.append((name, row))
    finally:
        for b in boards.values():
            b.close()
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--workloads", default="calls,loops,alloc,pystone")
    ap.add_argument(
        "--columns",
        default=",".join("%s:%s" % c for c in COLUMNS),
        help="the matrix's columns as flavour:mode (plain, attached, cond); release:plain first",
    )
    ap.add_argument("--matrix-only", action="store_true", help="only the workloads' ratios")
    args = ap.parse_args()
    columns = [tuple(c.split(":")) for c in args.columns.split(",")]
    if columns[0] != ("release", "plain") or any(c not in COLUMNS for c in columns):
        ap.error("--columns: flavour:mode pairs of %s, release:plain first" % ", ".join("%s:%s" % c for c in COLUMNS))
    exe = mpdbg_bin()
    if args.matrix_only:
        print_matrix(exe, args.workloads.split(","), columns)
        return
    tmp = os.path.join("/tmp", "mpdbg-board-bench-%d" % os.getpid())
    os.makedirs(tmp, exist_ok=True)

    print("| flavour | text | data | bss |")
    print("|---|---|---|---|")
    for flavour, text, data, bss in firmware_sizes(exe):
        print("| %s | %d | %d | %d |" % (flavour, text, data, bss))
    print()

    print("| measure (board, debug unless said) | value |")
    print("|---|---|")
    for flavour in ("debug", "stock"):
        board = QemuBoard([exe], flavour, REPO)
        try:
            imported, attached = agent_heap(board, tmp)
            print("| agent heap after import (%s) | %d bytes |" % (flavour, imported))
            print("| agent heap after attach, program's view (%s) | %d bytes |" % (flavour, attached))
            if flavour == "debug":
                print("| agent `N` (next) to `S` (stopped) over the pty, median of %d | %.2f ms |" % (args.steps, step_latency(board, args.steps)))
                print("| agent `P` (pause) to `S` in a call-free loop, median of %d | %.2f ms |" % (args.runs, pause_latency(board, tmp, args.runs)))
        finally:
            board.close()
    print()

    print_matrix(exe, args.workloads.split(","), columns)


def print_matrix(exe, workloads, columns):
    print("Ratios against the release firmware, QEMU -icount shift=0 (instruction counts), 192 KB heap:")
    print()
    print("| workload | %s |" % " | ".join(TITLES[COLUMNS.index(c)] for c in columns))
    print("|---" * (1 + len(columns)) + "|")
    for name, row in matrix(exe, workloads, 192 * 1024, columns):
        base = row[0]
        cells = ["%.1f M instructions" % (base / 1000)] + ["%.3fx" % (v / base) for v in row[1:]]
        print("| %s | %s |" % (name, " | ".join(cells)))


if __name__ == "__main__":
    main()
