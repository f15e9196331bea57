"""The instructions a breakpoint costs the program: the calls and loops
workloads under callgrind on the host, plain and with the agent attached (a
breakpoint never reached, or a never-true condition on a line of the hot
loop), at two sizes, so that the marginal count (their difference) leaves
start-up out. Figures in docs/core-patches.md (core patch 0011).

    python3 bench/gate_cost.py [--flavour debug] [--workloads calls,loops]
                               [--sizes 20000,60000] [--modes plain,attached,cond]

The agent is driven at the device protocol as `mpdbg dap` drives it (as
board.py drives the emulated board). Needs Debian's valgrind.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "device"))
from agentlink import AgentLink  # noqa: E402
from bench import interpreter_for, mpdbg_bin  # noqa: E402
from board import attach_workload  # noqa: E402

# The timed call of each workload, whose size is changed.
SIZED = {"calls": r"work\(150000\)", "loops": r"spin\(1000000\)"}


def sized_copy(tmp, name, size):
    with open(os.path.join(HERE, "workloads", name + ".py")) as f:
        text = f.read()
    text, n = re.subn(SIZED[name], "%s(%d)" % (SIZED[name].split("\\")[0], size), text)
    assert n == 1, name
    path = os.path.join(tmp, "%s_%d.py" % (name, size))
    with open(path, "w") as f:
        f.write(text)
    return path


def callgrind(interp, out):
    """A wrapper that runs the interpreter under callgrind."""
    wrapper = out + ".sh"
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s %s "$@"\n' % (out, interp))
    os.chmod(wrapper, 0o755)
    return wrapper


def total(out):
    with open(out) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise ValueError("no totals in " + out)


def run(interp, script, mode, out):
    wrapper = callgrind(interp, out)
    if mode == "plain":
        subprocess.run([wrapper, script], check=True, capture_output=True)
        return total(out)
    with AgentLink(wrapper, script, timeout=600) as link:
        attach_workload(link, script, mode)
        end = link.until(b"D")
        assert end[1] == b"0", (end, link.output)
        link.proc.wait(timeout=600)
    return total(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flavour", default="debug")
    ap.add_argument("--workloads", default="calls,loops")
    ap.add_argument("--sizes", default="20000,60000")
    ap.add_argument("--modes", default="plain,attached,cond")
    args = ap.parse_args()
    exe = mpdbg_bin()
    interp = interpreter_for(exe, args.flavour)
    release = interpreter_for(exe, "release")
    small, big = (int(s) for s in args.sizes.split(","))
    modes = args.modes.split(",")
    print("callgrind, %s flavour; marginal instructions per iteration (size %d to %d), ratio to release" % (args.flavour, small, big))
    print()
    print("| workload | release | " + " | ".join(modes) + " |")
    print("|---" * (2 + len(modes)) + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.workloads.split(","):
            scripts = [sized_copy(tmp, name, s) for s in (small, big)]
            out = os.path.join(tmp, "cg")

            def marginal(interp, mode):
                a, b = (run(interp, s, mode, out) for s in scripts)
                return (b - a) / (big - small)

            base = marginal(release, "plain")
            cells = ["%.1f" % base]
            for mode in modes:
                m = marginal(interp, mode)
                cells.append("%.1f (%.3fx)" % (m, m / base))
            print("| %s | %s |" % (name, " | ".join(cells)))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
