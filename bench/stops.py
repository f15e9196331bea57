"""What a breakpoint hit costs on the built-in debug MicroPython: a program
runs into the same breakpoint again and again, and each `continue` is
followed by the stop, the stack, the scopes and the locals.

    python3 bench/stops.py [--stops N] [--measure both|time|instructions]

time: launch to the first stop, and `continue` to `stopped` (median of N);
instructions: the interpreter's marginal instructions per hit (callgrind,
sessions of N/2 and N hits, which leaves launch and exit out).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind  # noqa: E402
from bench import interpreter_for, measures, mpdbg_bin  # noqa: E402
from dapclient import DapClient  # noqa: E402

PROGRAM = "def f(i):\n    x = i * 2\n    return x\n\n\nfor i in range(1000):\n    f(i)\nprint('done')\n"
LINE = 2


def session(exe, interp, program, hits, timed=False):
    """Runs `hits` breakpoint hits; (launch to first stop, [continue to stopped]) in seconds."""
    c = DapClient([exe, "dap"])
    try:
        t0 = time.monotonic()
        c.request("initialize", adapterID="mpdbg")
        c.request("launch", program=program, micropython=interp)
        c.event("initialized")
        c.request("setBreakpoints", source={"path": program}, breakpoints=[{"line": LINE}])
        c.request("configurationDone")
        c.event("stopped", timeout=120)
        first = time.monotonic() - t0
        gaps = []
        for k in range(hits):
            frame = c.request("stackTrace", threadId=1)["stackFrames"][0]
            scope = c.request("scopes", frameId=frame["id"])["scopes"][0]
            c.request("variables", variablesReference=scope["variablesReference"])
            if k == hits - 1:
                c.request("setBreakpoints", source={"path": program}, breakpoints=[])
                c.request("continue", threadId=1)
                break
            t = time.monotonic()
            c.request("continue", threadId=1)
            c.event("stopped", timeout=120)
            gaps.append(time.monotonic() - t)
        c.event("exited", timeout=120)
        return first, gaps
    finally:
        c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stops", type=int, default=30)
    ap.add_argument("--measure", choices=("both", "time", "instructions"), default="both")
    args = ap.parse_args()
    timing, counting = measures(args.measure)
    exe = mpdbg_bin()
    interp = interpreter_for(exe)
    with tempfile.TemporaryDirectory(prefix="mpdbg-stops-") as d:
        program = os.path.join(d, "hits.py")
        with open(program, "w") as f:
            f.write(PROGRAM)
        print("| measure (built-in debug MicroPython, a breakpoint hit again and again) | value |")
        print("|---|---|")
        if timing:
            first, gaps = session(exe, interp, program, args.stops)
            print("| launch to the first stop | %.1f ms |" % (first * 1000))
            print("| `continue` to `stopped` (median of %d) | %.2f ms |" % (len(gaps), statistics.median(gaps) * 1000))
        if counting:
            w = callgrind.Wrapper(interp)
            try:
                half = max(1, args.stops // 2)
                a = w.count(lambda: session(exe, w.path, program, half), program)
                b = w.count(lambda: session(exe, w.path, program, 2 * half), program)
                per_hit = (b - a) / half
                print("| device instructions per hit (stop, stack, scopes, locals, continue; marginal) | %.0f |" % per_hit)
            finally:
                w.close()


if __name__ == "__main__":
    main()
