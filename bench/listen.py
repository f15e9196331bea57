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
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import interpreter_for, mpdbg_bin  # noqa: E402

SIZES = {"loops.py": ("spin(1000000)", 100000, 400000), "calls.py": ("work(150000)", 30000, 120000)}
PREAMBLE = 'import sys\nif sys.argv[2] == "listen":\n    import mpdbg\n    mpdbg.listen(%d, "127.0.0.1")\n'


def instructions(interp, script, n, mode):
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", interp, script, str(n), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"refs:\s+([\d,]+)", out.stderr).group(1).replace(",", ""))


def main():
    interp = interpreter_for(mpdbg_bin())
    print("| workload | marginal instructions, plain | with listen(), no client | ratio |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, (call, small, big)) in enumerate(SIZES.items()):
            with open(os.path.join(HERE, "workloads", name)) as f:
                src = f.read()
            name_call = call.split("(")[0]
            script = os.path.join(tmp, name)
            with open(script, "w") as f:
                f.write(PREAMBLE % (5790 + i) + src.replace(call, "%s(int(sys.argv[1]))" % name_call))
            cost = {}
            for mode in ("plain", "listen"):
                cost[mode] = instructions(interp, script, big, mode) - instructions(interp, script, small, mode)
            print(
                "| %s | %d | %d | %.3fx |"
                % (name[:-3], cost["plain"], cost["listen"], cost["listen"] / cost["plain"])
            )


if __name__ == "__main__":
    main()
