"""Where the attached column's wall-clock gap goes: the CPU time the
interpreter process itself used (getrusage), against the wall time the
workload measures, attached to `mpdbg dap` (breakpoint never reached) and
plain, on the built-in debug MicroPython. Both as marginal costs: the
difference between the workload at two sizes, which leaves start-up out.

    python3 bench/cputime.py [--runs N] [--workloads calls,loops]

CPU time counts what the program's code costs on this CPU (caches, branch
prediction, alignment included) but not the time the process waited for a
CPU, which a shared machine adds to the wall clock in bursts. The medians of
N runs, taken in turn.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import callgrind  # noqa: E402
from bench import interpreter_for, machine, mpdbg_bin, run_attached, run_plain  # noqa: E402

# Runs the interpreter and writes the CPU seconds it used (user + system)
# and its arguments to OUT.<pid>; stdin and stdout pass through (they are
# the agent's link).
RUSAGE = """#!%s
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(%r, [%r] + sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
with open(%r + ".%%d" %% pid, "w") as f:
    f.write("%%r\\n%%s\\n" %% (ru.ru_utime + ru.ru_stime, " ".join(sys.argv[1:])))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def cpu_seconds(folder, marker):
    """The CPU seconds of the one run recorded in `folder` whose arguments
    name `marker` (the adapter runs the interpreter for other things too);
    every record is removed."""
    found = []
    for name in [n for n in os.listdir(folder) if n.startswith("cpu.")]:
        path = os.path.join(folder, name)
        with open(path) as f:
            seconds, argv = f.read().split("\n", 1)
        os.remove(path)
        if marker in argv:
            found.append(float(seconds))
    if len(found) != 1:
        raise RuntimeError("%d runs of %s recorded (one expected)" % (len(found), marker))
    return found[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--workloads", default="calls,loops")
    ap.add_argument("--sizes", default="1,5", help="the two sizes, in multiples of the workload's timed size / 5")
    args = ap.parse_args()
    exe = mpdbg_bin()
    interp = interpreter_for(exe)
    folder = tempfile.mkdtemp(prefix="mpdbg-cputime-")
    wrapper = os.path.join(folder, "micropython")
    with open(wrapper, "w") as f:
        f.write(RUSAGE % (sys.executable, interp, interp, os.path.join(folder, "cpu")))
    os.chmod(wrapper, 0o755)
    print("Machine: %s" % machine())
    print()
    print("| workload | CPU time, marginal: no debugger / attached (median of %d) | ratio | wall time the workload measures, marginal | ratio |" % args.runs)
    print("|---|---|---|---|---|")
    try:
        for name in args.workloads.split(","):
            script = os.path.join(HERE, "workloads", name + ".py")
            with open(script) as f:
                unit = callgrind.timed_size(f.read()) // 5
            sizes = [unit * int(k) for k in args.sizes.split(",")]
            copies = {n: callgrind.sized(script, n, folder) for n in sizes}
            cpu = {(m, n): [] for m in ("plain", "attached") for n in sizes}
            wall = {(m, n): [] for m in ("plain", "attached") for n in sizes}
            for _ in range(args.runs):
                for n in sizes:
                    out = run_plain(wrapper, copies[n])[0]
                    cpu[("plain", n)].append(cpu_seconds(folder, copies[n]))
                    wall[("plain", n)].append(out)
                    wall[("attached", n)].append(run_attached(exe, wrapper, copies[n])[0])
                    cpu[("attached", n)].append(cpu_seconds(folder, copies[n]))

            def marginal(table, mode):
                return statistics.median(table[(mode, sizes[1])]) - statistics.median(table[(mode, sizes[0])])

            c = {m: marginal(cpu, m) * 1000 for m in ("plain", "attached")}
            w = {m: marginal(wall, m) / 1000 for m in ("plain", "attached")}
            print(
                "| %s | %.1f / %.1f ms | %.3fx | %.1f / %.1f ms | %.3fx |"
                % (name, c["plain"], c["attached"], c["attached"] / c["plain"], w["plain"], w["attached"], w["attached"] / w["plain"])
            )
            sys.stdout.flush()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
