"""mpdbg link benchmark: a debug session on a board over its serial REPL.
Prints a table; the README quotes its figures.

    python3 bench/link.py [--steps N] [--baud 115200] [--port PORT] [--measure both|time|instructions]
    python3 bench/link.py --tcp [--steps N]

The board is the pty board (the host port's REPL behind a pseudo-terminal,
tests/device/ptyboard.py), or with --port a board that is there already
(the emulated board of `mpdbg emulate`, real hardware: the agent and the
program are removed from it first, so that the first deploy is one), reached through a relay (bench/throttle.py)
that counts the bytes on the link. Every figure is taken twice: with the
relay unthrottled, and with each direction paced to a UART's speed (10
bits per byte at --baud), as a USB-UART bridge at 115200 baud would.

Measured, through `mpdbg dap` driven by a small DAP client:
  first deploy      launch request to `initialized`, the board's folder empty
                    (agent + program written)
  unchanged deploy  the same again, nothing to write (mpdbg's own deploy
                    time is shown beside it)
  launch to stop    launch request to the first `stopped` (a breakpoint on
                    the program's first loop), agent already on the board
  next -> stopped   DAP `next` to its `stopped` event (median of N)
  ... + stack/locals  to the `variables` answer of the top frame's Locals
  bytes per stop    both directions, next + stopped + stackTrace + scopes +
                    variables, median
  pause -> stopped  DAP `pause` to its `stopped` event in a loop that makes
                    no calls (median of N/5, each pause followed by a
                    continue)
  bytes per deploy  both directions, the first and the unchanged deploy's
                    whole sessions (the program runs to its end; its output
                    is the same in both)
  device instructions per stop   the pty board's interpreter under callgrind
                    (Debian's `valgrind`), unthrottled: the marginal cost of a
                    stop (next, stopped, stack, scopes, locals), the
                    difference between sessions of N and 2N steps, which
                    leaves deploy and start-up out; what a board's CPU does
                    per stop, on any machine (pty board only)

With --tcp: attach over loopback TCP to a program on the built-in debug
MicroPython that called mpdbg.listen() and already runs (the same frame),
through a relay that counts the bytes:
  attach            attach request to `initialized` (connect, challenge, hello)
  attach to stop    attach request to the first `stopped` (the breakpoint)
  next -> stopped, ... + stack/locals, bytes per stop: as above
"""

import argparse
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "device"))
import callgrind  # noqa: E402
from bench import interpreter_for, measures, mpdbg_bin  # noqa: E402
from dapclient import DapClient  # noqa: E402
from ptyboard import PtyBoard  # noqa: E402
from throttle import ThrottledRelay  # noqa: E402

# The frame of every stop is examples/hello.py's `average`, the README's
# typical frame: four locals, one of them a short list.
PROGRAM = """\
def average(values):
    total = 0
    count = 0
    for v in values:
        total += v  # BP
        count += 1
    return total / count


for _ in range(100):
    mean = average([12, 15, 9, 11])
print("mean", mean)
"""
BP_LINE = 5


def session(exe, port, program, breakpoint=True):
    """A launched session; returns (client, launch->initialized s, launch->stopped s or None)."""
    c = DapClient([exe, "dap"])
    c.request("initialize", adapterID="mpdbg")
    t0 = time.perf_counter()
    seq = c.send("launch", program=program, cwd=os.path.dirname(program), device=port)
    c.wait(lambda m: (m.get("type") == "event" and m["event"] == "initialized") or m.get("request_seq") == seq)
    t_init = time.perf_counter() - t0
    if breakpoint:
        c.request("setBreakpoints", source={"path": program}, breakpoints=[{"line": BP_LINE}])
    c.request("configurationDone")
    t_stop = None
    if breakpoint:
        c.event("stopped", timeout=60)
        t_stop = time.perf_counter() - t0
    return c, t_init, t_stop


# A program that runs until it is stopped, in a loop with no calls: a pause
# reaches it only through the VM's pending-work check.
SPIN = """\
n = 0
while True:
    n += 1
"""


def pause_row(exe, port, program, pauses):
    """`pause` to `stopped` (median) in SPIN; ends the program."""
    c, _, _ = session(exe, port, program, breakpoint=False)
    times = []
    try:
        for _ in range(pauses):
            t0 = time.perf_counter()
            c.send("pause", threadId=1)
            c.wait(lambda m: m.get("type") == "event" and m["event"] == "stopped")
            times.append((time.perf_counter() - t0) * 1000)
            c.request("continue", threadId=1)
        c.request("disconnect", terminateDebuggee=True)
    finally:
        c.close()
    return statistics.median(times)


def deploy_seconds(c):
    for o in c.output:
        text = o.get("output", "")
        if "file(s) written" in text:
            return float(text.rsplit("(", 1)[1].split(" s)")[0])
    return float("nan")


def end(c):
    c.request("setBreakpoints", source={"path": c.program}, breakpoints=[])
    c.request("continue", threadId=1)
    c.event("terminated", timeout=60)
    c.close()


CLEAN = (
    "import os\n"
    "try:\n"
    "    agent = ['.mpdbg/' + f for f in os.listdir('.mpdbg')]\n"
    "except OSError:\n"
    "    agent = []\n"
    "for p in ['main.py'] + agent:\n"
    "    try:\n"
    "        os.remove(p)\n"
    "    except OSError:\n"
    "        pass\n"
)


class ExistingBoard:
    """A board at a port, emptied of the agent and the program first."""

    def __init__(self, port):
        self.path = port
        subprocess.run(
            [sys.executable, "-m", "mpremote", "connect", port, "exec", CLEAN], check=True, capture_output=True, timeout=60
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def steps_row(c, relay, steps):
    """`next` to `stopped`, to the locals, and the bytes per stop (medians)."""
    to_stopped, to_locals, bytes_per_stop = [], [], []
    for _ in range(steps):
        before = relay.total()
        t0 = time.perf_counter()
        c.send("next", threadId=1)
        c.wait(lambda m: m.get("type") == "event" and m["event"] == "stopped")
        t1 = time.perf_counter()
        frames = c.request("stackTrace", threadId=1, startFrame=0, levels=20)["stackFrames"]
        scopes = c.request("scopes", frameId=frames[0]["id"])["scopes"]
        c.request("variables", variablesReference=scopes[0]["variablesReference"])
        t2 = time.perf_counter()
        to_stopped.append((t1 - t0) * 1000)
        to_locals.append((t2 - t0) * 1000)
        bytes_per_stop.append(relay.total() - before)
    return {
        "next_stopped_ms": statistics.median(to_stopped),
        "next_locals_ms": statistics.median(to_locals),
        "bytes_per_stop": statistics.median(bytes_per_stop),
    }


# The same frame, in a program that already runs and waits for a debugger.
LISTENING = PROGRAM.split("\n\n\n")[0] + """


import sys
import mpdbg

mpdbg.listen(int(sys.argv[1]), "127.0.0.1")
print("listening")
while True:
    mean = average([12, 15, 9, 11])
"""


class CountingTcpRelay:
    """A loopback TCP relay to `port` that counts the bytes both ways."""

    def __init__(self, port):
        self._target = port
        self._srv = socket.socket()
        self._srv.bind(("127.0.0.1", 0))
        self._srv.listen(1)
        self.port = self._srv.getsockname()[1]
        self._count = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self._srv.accept()
            except OSError:
                return
            device = socket.create_connection(("127.0.0.1", self._target))
            for a, b in ((client, device), (device, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src, dst):
        while True:
            try:
                data = src.recv(4096)
            except OSError:
                data = b""
            if not data:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            with self._lock:
                self._count += len(data)
            dst.sendall(data)

    def total(self):
        with self._lock:
            return self._count

    def close(self):
        self._srv.close()


def measure_tcp(exe, interp, steps):
    work = tempfile.mkdtemp(prefix="mpdbg-link-tcp-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    program = os.path.join(work, "main.py")
    with open(program, "w") as f:
        f.write(LISTENING)
    prog = subprocess.Popen([interp, program, str(port)], stdout=subprocess.PIPE, text=True)
    relay = None
    try:
        if prog.stdout.readline() != "listening\n":
            raise RuntimeError("the listening program did not start")
        relay = CountingTcpRelay(port)
        c = DapClient([exe, "dap"])
        c.request("initialize", adapterID="mpdbg")
        row = {}
        t0 = time.perf_counter()
        seq = c.send("attach", connect={"host": "127.0.0.1", "port": relay.port}, cwd=work)
        c.wait(lambda m: (m.get("type") == "event" and m["event"] == "initialized") or m.get("request_seq") == seq)
        row["attach"] = time.perf_counter() - t0
        c.request("setBreakpoints", source={"path": program}, breakpoints=[{"line": BP_LINE}])
        c.request("configurationDone")
        c.event("stopped", timeout=60)
        row["attach_to_stop"] = time.perf_counter() - t0
        row.update(steps_row(c, relay, steps))
        c.request("disconnect", terminateDebuggee=False)
        c.proc.wait(timeout=10)
        return row
    finally:
        if relay:
            relay.close()
        prog.kill()
        prog.wait()
        shutil.rmtree(work, ignore_errors=True)


def main_tcp(steps):
    exe = mpdbg_bin()
    row = measure_tcp(exe, interpreter_for(exe), steps)
    print("| measure (attach over loopback TCP, built-in debug MicroPython) | value |")
    print("|---|---|")
    print("| attach (request to `initialized`: connect, challenge, hello) | %.3f s |" % row["attach"])
    print("| attach to first stop (the breakpoint) | %.3f s |" % row["attach_to_stop"])
    print("| `next` to `stopped` (median) | %.1f ms |" % row["next_stopped_ms"])
    print("| `next` to the top frame's locals shown (median) | %.1f ms |" % row["next_locals_ms"])
    print("| bytes on the link per stop (next, stopped, stack, scopes, locals) | %d |" % row["bytes_per_stop"])


class CountedPtyBoard(PtyBoard):
    """The pty board with its interpreter under callgrind: ready once its
    prompt is out (valgrind takes seconds to start it, longer than mpdbg
    waits for a board to answer), ended with SIGTERM, which valgrind turns
    into the profile's write, not with SIGKILL."""

    def __init__(self, interp, cwd):
        super().__init__(interp, cwd=cwd)
        fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY)
        try:
            seen, deadline = b"", time.monotonic() + 120
            while b">>> " not in seen:
                ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    raise RuntimeError("the pty board under callgrind printed no prompt in 120 s: %r" % seen[-200:])
                seen += os.read(fd, 4096)
        finally:
            os.close(fd)

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)
        super().close()


def device_instructions(exe, interp, steps):
    """The pty board's instructions per stop, marginal between sessions of
    `steps` and 2 * `steps` steps."""
    wrapper = callgrind.Wrapper(interp)
    try:
        counts = {}
        for n in (steps, 2 * steps):
            measure(exe, wrapper.path, n, None, board_class=CountedPtyBoard)
            counts[n] = wrapper.take("--repl")
        return callgrind.marginal(counts)
    finally:
        wrapper.close()


def measure(exe, interp, steps, baud, port=None, board_class=PtyBoard):
    work = tempfile.mkdtemp(prefix="mpdbg-link-")
    try:
        board_dir = os.path.join(work, "board")
        os.makedirs(board_dir)
        proj = os.path.join(work, "proj")
        os.makedirs(proj)
        program = os.path.join(proj, "main.py")
        with open(program, "w") as f:
            f.write(PROGRAM)
        with ExistingBoard(port) if port else board_class(interp, cwd=board_dir) as board:
            relay = ThrottledRelay(board.path, baud)
            port = relay.path
            try:
                row = {}
                for deploy in ("first_deploy", "unchanged_deploy"):
                    before = relay.total()
                    c, row[deploy], _ = session(exe, port, program, breakpoint=False)
                    row[deploy + "_own"] = deploy_seconds(c)
                    c.event("terminated", timeout=60)
                    c.close()
                    row[deploy + "_bytes"] = relay.total() - before
                c, _, row["launch_to_stop"] = session(exe, port, program)
                c.program = program
                row.update(steps_row(c, relay, steps))
                end(c)
                spin = os.path.join(proj, "spin.py")
                with open(spin, "w") as f:
                    f.write(SPIN)
                row["pause_stopped_ms"] = pause_row(exe, port, spin, max(5, steps // 5))
            finally:
                relay.close()
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--port", help="a board at this port instead of the pty board")
    ap.add_argument("--tcp", action="store_true", help="attach over loopback TCP to a program that listens")
    ap.add_argument("--measure", choices=("both", "time", "instructions"), default="both")
    ap.add_argument("--count-steps", type=int, default=10, help="instructions: sessions of N and 2N steps")
    args = ap.parse_args()
    if args.tcp:
        main_tcp(args.steps)
        return
    timing, counting = measures(args.measure)
    counting = counting and not args.port  # a board's own CPU is not ours to count
    exe = mpdbg_bin()
    interp = None if args.port else interpreter_for(exe)
    if counting:
        per_stop = device_instructions(exe, interp, args.count_steps)
        print("| pty board: device instructions per stop (next, stopped, stack, scopes, locals; marginal) | %.0f |" % per_stop)
        print()
    if not timing:
        return
    name = "board at %s" % args.port if args.port else "pty board"
    rows = [
        ("%s (a counting relay, unthrottled)" % name, measure(exe, interp, args.steps, None, args.port)),
        ("%s through a %d-baud relay" % (name, args.baud), measure(exe, interp, args.steps, args.baud, args.port)),
    ]
    print("| measure | " + " | ".join(name for name, _ in rows) + " | target |")
    print("|---|" + "---|" * len(rows) + "---|")
    targets = {
        "first_deploy": "<= 3 s at 115200",
        "unchanged_deploy": "<= 0.3 s",
        "launch_to_stop": "<= 1 s",
        "next_stopped_ms": "<= 5 ms unthrottled, <= 30 ms at 115200",
        "next_locals_ms": "",
        "pause_stopped_ms": "",
        "bytes_per_stop": "",
        "first_deploy_bytes": "",
        "unchanged_deploy_bytes": "",
    }
    labels = {
        "first_deploy": "first deploy (launch to initialized)",
        "unchanged_deploy": "unchanged deploy (launch to initialized)",
        "launch_to_stop": "launch to first stop, agent on the board",
        "next_stopped_ms": "`next` to `stopped` (median)",
        "next_locals_ms": "`next` to the top frame's locals shown (median)",
        "pause_stopped_ms": "`pause` to `stopped` in a loop with no calls (median)",
        "bytes_per_stop": "bytes on the link per stop (next, stopped, stack, scopes, locals)",
        "first_deploy_bytes": "bytes on the link, first deploy session (both ways, to the program's end)",
        "unchanged_deploy_bytes": "bytes on the link, unchanged deploy session (both ways, to the program's end)",
    }
    for key, label in labels.items():
        cells = []
        for _, row in rows:
            v = row[key]
            if v is None:
                cells.append("-")
            elif key.endswith("_ms"):
                cells.append("%.1f ms" % v)
            elif key.endswith("bytes") or key == "bytes_per_stop":
                cells.append("%d" % v)
            else:
                own = row.get(key + "_own")
                cells.append("%.2f s" % v + (" (deploy %.2f s)" % own if own is not None else ""))
        print("| %s | %s | %s |" % (label, " | ".join(cells), targets[key]))


if __name__ == "__main__":
    main()
