"""Where a workload's instructions go on the emulated board, per firmware
function: QEMU runs one instruction per translation block and logs each
block it executes (`-singlestep -d exec,nochain`, the function's name at
the end of each line), for two sizes of the workload's timed call; the
difference per unit of size is the marginal cost of each function, with
start-up and attach left out.

    python3 bench/board_profile.py [--workload calls|PATH] [--flavour debug]
                                   [--mode plain|attached|cond] [--sizes 1000,3000]

The UART's and timer's interrupt handlers and the idle loop run as the
host's timing decides, so their rows are noise (shown apart). Slow: every
executed instruction is a line of QEMU's log (some 30 M for the calls
workload at 1,000 calls), counted as it is written.
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "device"))
import callgrind  # noqa: E402
from bench import mpdbg_bin  # noqa: E402
from board import run_workload  # noqa: E402
from qemuboard import DEFAULT_HEAP, QemuBoard  # noqa: E402

# What runs when the host, not the program, decides.
NOISE = (
    "rx_drain",
    "uart_read_byte",
    "uart_rx_ready",
    "UART0_RX_Handler",
    "SysTick_Handler",
    "mpdbg_wake_rx",
    "mp_hal_stdin_rx_chr",
    "mp_hal_delay_us",
    "mp_event_wait_indefinite",
    "mp_handle_pending",
)

QEMU_WRAPPER = '#!/bin/sh\nexec {qemu} "$@" -singlestep -d exec,nochain -D {log}\n'


def count(exe, flavour, script, mode, folder):
    """{function: instructions} of one run of `script` on the board."""
    log = os.path.join(folder, "exec.fifo")
    if os.path.exists(log):
        os.remove(log)
    os.mkfifo(log)
    qemu = subprocess.run(["sh", "-c", "command -v qemu-system-arm"], capture_output=True, text=True, check=True).stdout.strip()
    bindir = os.path.join(folder, "bin")
    os.makedirs(bindir, exist_ok=True)
    wrapper = os.path.join(bindir, "qemu-system-arm")
    with open(wrapper, "w") as f:
        f.write(QEMU_WRAPPER.format(qemu=qemu, log=log))
    os.chmod(wrapper, 0o755)
    # The reader first: QEMU's open of the log waits for it.
    reader = subprocess.Popen([sys.executable, "-c", COUNTER, log], stdout=subprocess.PIPE, text=True)
    path = os.environ["PATH"]
    os.environ["PATH"] = bindir + os.pathsep + path
    try:
        board = QemuBoard([exe], flavour, REPO)
    finally:
        os.environ["PATH"] = path
    try:
        run_workload(board, script, DEFAULT_HEAP, mode)
    finally:
        board.close()
    out, _ = reader.communicate(timeout=600)
    counts = {}
    for row in out.splitlines():
        n, name = row.split(" ", 1)
        counts[name] = int(n)
    return counts


# Counts the log's lines by their last word (the function QEMU names).
COUNTER = """
import collections, sys
c = collections.Counter()
with open(sys.argv[1], errors="replace") as f:
    for line in f:
        c[line.rsplit(None, 1)[-1] if line.strip() else ""] += 1
for k, n in c.items():
    print(n, k)
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="calls", help="a workload of bench/workloads, or a path")
    ap.add_argument("--flavour", default="debug")
    ap.add_argument("--mode", choices=("plain", "attached", "cond"), default="cond")
    ap.add_argument("--sizes", default="1000,3000")
    args = ap.parse_args()
    exe = mpdbg_bin()
    source = args.workload if os.path.sep in args.workload else os.path.join(HERE, "workloads", args.workload + ".py")
    small, big = (int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="mpdbg-board-profile-") as folder:
        runs = [count(exe, args.flavour, callgrind.sized(source, size, folder), args.mode, folder) for size in (small, big)]
    rows = sorted(((runs[1].get(k, 0) - runs[0].get(k, 0)) / (big - small), k) for k in set(runs[0]) | set(runs[1]))
    program = [(v, k) for v, k in rows if k not in NOISE and abs(v) >= 0.5]
    print("| instructions per unit | function |")
    print("|---|---|")
    for v, k in reversed(program):
        print("| %.1f | %s |" % (v, k))
    print("| %.1f | total, without the host-timed rows |" % sum(v for v, _ in program))
    print("| %.1f | the host-timed rows (%s) |" % (sum(v for v, k in rows if k in NOISE), ", ".join(NOISE)))


if __name__ == "__main__":
    main()
