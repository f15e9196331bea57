"""What a program pays for waiting for a debugger: `mpdbg.listen()` with no
client attached, against the same program without it, on the built-in debug
MicroPython. Counted in instructions (callgrind), which this shared machine
reproduces exactly, as the marginal cost: the difference between two sizes of
each workload, so that start-up (importing mpdbg, opening the socket) is left
out.

    python3 bench/listen.py

Needs valgrind (Debian's `valgrind`).
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import callgrind  # noqa: E402
from bench import interpreter_for, mpdbg_bin  # noqa: E402

SIZES = {"loops.py": (100000, 400000), "calls.py": (30000, 120000)}
PREAMBLE = 'import sys\nif sys.argv[1] == "listen":\n    import mpdbg\n    mpdbg.listen(%d, "127.0.0.1")\n'


def main():
    callgrind.require_valgrind()
    interp = interpreter_for(mpdbg_bin())
    print("| workload | marginal instructions, plain | with listen(), no client | ratio |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, sizes) in enumerate(SIZES.items()):
            scripts = [callgrind.sized(os.path.join(HERE, "workloads", name), n, tmp, PREAMBLE % (5790 + i)) for n in sizes]
            cost = {}
            for mode in ("plain", "listen"):
                counts = {n: callgrind.count([interp, s, mode]) for n, s in zip(sizes, scripts)}
                cost[mode] = callgrind.marginal(counts) * (sizes[1] - sizes[0])
            print(
                "| %s | %d | %d | %.3fx |"
                % (name[:-3], cost["plain"], cost["listen"], cost["listen"] / cost["plain"])
            )


if __name__ == "__main__":
    main()
