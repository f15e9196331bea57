"""Attach over a board's REPL link, without a reset or a restart, to a
`main.py` the board started at boot, on the pty board (the host port's REPL
behind a pseudo-terminal) and on the emulated board (QEMU, over its UART):
`mpdbg attach PORT` with real keystrokes (pexpect). The program's counter
proves it was never restarted; breakpoint, step, locals, detach, re-attach.
"""

import os
import re
import select
import shutil
import subprocess
import sys
import termios
import time
import tty

import pexpect
import pytest
from conftest import REPO, build_interpreter, mpdbg_command
from ptyboard import PtyBoard
from qemuboard import QemuBoard

sys.path.insert(0, os.path.join(REPO, "bench"))
from dapclient import DapClient  # noqa: E402

PROMPT = "(Pdb) "
TIMEOUT = 60 * float(os.environ.get("MPDBG_TIMEOUT_SCALE", "1"))
# Started once ("started"), then counts for ever. tick() is where the
# breakpoint goes; `n` is the counter the test reads.
MAIN = """import time
print("started")
def tick(n):
    m = n + 1
    return m
n = 0
while True:
    n = tick(n)
    if n % 10 == 0:
        print("count", n)
    time.sleep_ms(5)
"""
TICK_LINE = 4


class Uart:
    """The test's own end of the board's port, for reading its output while
    no debugger holds it."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd, termios.TCSANOW)  # not TCSAFLUSH: that drops what the board said so far
        self.buf = b""

    def read_until(self, pattern, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.buf)
            if m:
                self.buf = self.buf[m.end() :]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} from the board; last output {self.buf[-300:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self.buf += os.read(self.fd, 4096)

    def last_count(self):
        """A count printed from now on."""
        self.buf = b""
        return int(self.read_until(rb"count (\d+)\r\n").group(1))

    def close(self):
        os.close(self.fd)


def deploy_agent(port, tmp_path):
    # An earlier session on this board deploys the agent (to .mpdbg/).
    proj = tmp_path / "first"
    proj.mkdir()
    (proj / "hello.py").write_text("print('hello')\n")
    r = subprocess.run(
        mpdbg_command() + ["run", "--device", port, str(proj / "hello.py")],
        cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert r.returncode == 0 and "hello" in r.stdout, r.stdout + r.stderr


@pytest.fixture(params=["pty", "qemu"])
def board(request, tmp_path):
    """(port, Uart, project folder): a board that runs MAIN from boot, with
    the agent deployed by an earlier session."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "main.py").write_text(MAIN)
    if request.param == "pty":
        root = tmp_path / "board"
        root.mkdir()
        b = PtyBoard(build_interpreter("debug")[0], cwd=str(root))
        try:
            deploy_agent(b.path, tmp_path)
            (root / "main.py").write_text(MAIN)
            uart = Uart(b.path)
            b.reset()  # power on: main.py runs at boot
            yield b.path, uart, proj
            uart.close()
        finally:
            b.close()
    else:
        if not shutil.which("qemu-system-arm") or os.environ.get("MPDBG_NO_BOARD"):
            pytest.skip("the emulated board needs qemu-system-arm (MPDBG_NO_BOARD unset)")
        b = QemuBoard(mpdbg_command(), "debug", REPO)
        try:
            deploy_agent(b.path, tmp_path)
            b.raw_repl()
            b.put(str(proj / "main.py"), "/main.py")
            b.write(b"\x02\x04")  # the friendly REPL, then a soft reset: main.py runs at boot
            uart = Uart(b.path)
            yield b.path, uart, proj
            uart.close()
        finally:
            b.close()


def attach(port, proj):
    cmd = mpdbg_command() + ["attach", port]
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=str(proj), env=dict(os.environ, NO_COLOR="1"), encoding="utf-8", timeout=TIMEOUT)
    child.expect("agent .* on micropython")  # attached; the program runs on
    return child


def value(child, name):
    # The terminal's own escape sequences hold digits too: mark the number.
    return int(re.search(r"VALUE=(\d+)", command(child, f"p 'VALUE=%d' % {name}")).group(1))


def command(child, line, expect=None):
    child.sendline(line)
    if expect:
        child.expect(expect)
    child.expect_exact(PROMPT)
    return child.before


def test_attach_to_main_py_at_boot_without_a_restart_then_detach_and_attach_again(board):
    port, uart, proj = board
    uart.read_until(rb"started\r\n")
    before = uart.last_count()

    child = attach(port, proj)
    child.sendintr()  # Ctrl-C pauses it
    child.expect(r"Program interrupted")
    child.expect_exact(PROMPT)
    command(child, f"b main.py:{TICK_LINE}", r"Breakpoint 1 at .*main\.py:4")
    child.sendline("c")
    child.expect(r"main\.py\(4\)tick\(\)")
    child.expect_exact(PROMPT)
    n = value(child, "n")
    assert n >= before, f"the counter went back from {before} to {n}: the program restarted"
    command(child, "n", r"main\.py\(5\)tick\(\)")
    assert value(child, "m") == n + 1
    command(child, "w", r"<module>")
    command(child, "cl 1")
    child.sendline("q")  # detach: the program runs on, untraced
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before

    after = uart.last_count()
    assert after > n, (n, after)
    assert b"started" not in uart.buf

    # Attach again: the same run goes on.
    child = attach(port, proj)
    child.sendintr()  # Ctrl-C pauses it
    child.expect(r"Program interrupted")
    child.expect_exact(PROMPT)
    again = value(child, "n")
    assert again >= after, (after, again)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert uart.last_count() > again
    assert b"started" not in uart.buf


def test_without_the_agent_on_the_board_it_says_so_and_the_program_runs_on(tmp_path):
    root = tmp_path / "board"
    root.mkdir()
    (root / "main.py").write_text(MAIN)
    with PtyBoard(build_interpreter("debug")[0], cwd=str(root)) as b:
        uart = Uart(b.path)
        uart.last_count()  # running ("started" may be gone: nobody read the port yet)
        r = subprocess.run(mpdbg_command() + ["attach", b.path], cwd=str(root), capture_output=True, text=True, timeout=TIMEOUT)
        assert r.returncode != 0
        assert "no mpdbg agent in /.mpdbg" in r.stderr and "launch a session once" in r.stderr, r.stderr
        before = uart.last_count()
        assert uart.last_count() > before
        assert b"started" not in uart.buf
        uart.close()


def test_a_board_at_its_repl_says_no_program_runs(tmp_path):
    root = tmp_path / "board"
    root.mkdir()
    with PtyBoard(build_interpreter("debug")[0], cwd=str(root)) as b:
        uart = Uart(b.path)
        uart.read_until(rb">>> ")  # the REPL's prompt: nothing runs
        r = subprocess.run(mpdbg_command() + ["attach", b.path], cwd=str(root), capture_output=True, text=True, timeout=TIMEOUT)
        assert r.returncode != 0
        assert "no program is running" in r.stderr and "launch it instead" in r.stderr, r.stderr
        uart.close()


def test_dap_attach_with_device_is_the_same_session_as_after_a_launch(board):
    port, uart, proj = board
    uart.read_until(rb"started\r\n")
    before = uart.last_count()
    main = str(proj / "main.py")
    c = DapClient(mpdbg_command() + ["dap"])
    try:
        c.request("initialize", adapterID="mpdbg")
        seq = c.send("attach", device=port, cwd=str(proj), justMyCode=True)
        c.wait(lambda m: m.get("type") == "event" and m["event"] == "initialized" or m.get("request_seq") == seq)
        bp = c.request("setBreakpoints", source={"path": main}, breakpoints=[{"line": TICK_LINE}])
        assert bp["breakpoints"][0]["verified"], bp
        c.request("configurationDone")
        stopped = c.event("stopped")
        assert stopped["body"]["reason"] == "breakpoint", stopped
        tid = stopped["body"].get("threadId", 1)
        frames = c.request("stackTrace", threadId=tid)["stackFrames"]
        assert frames[0]["name"] == "tick" and frames[0]["line"] == TICK_LINE, frames
        assert frames[0]["source"]["path"] == main, frames[0]
        scopes = c.request("scopes", frameId=frames[0]["id"])["scopes"]
        local = c.request("variables", variablesReference=scopes[0]["variablesReference"])["variables"]
        n = int(next(v["value"] for v in local if v["name"] == "n"))
        assert n >= before, (before, n)
        c.request("next", threadId=tid)
        assert c.event("stopped")["body"]["reason"] == "step"
        frames = c.request("stackTrace", threadId=tid)["stackFrames"]
        assert frames[0]["line"] == TICK_LINE + 1, frames[0]
        c.request("disconnect", terminateDebuggee=False)
        assert c.proc.wait(timeout=20) == 0
    finally:
        if c.proc.poll() is None:
            c.close()
    # Detached: still the same run, counting on.
    assert uart.last_count() > n
    assert b"started" not in uart.buf


def test_the_wake_never_reaches_the_programs_input_and_ctrl_c_still_works(tmp_path):
    root = tmp_path / "board"
    root.mkdir()
    (root / "main.py").write_text(
        "import sys\nprint('reading')\nwhile True:\n    line = b''\n"
        "    while not line.endswith(b'\\r'):\n        line += sys.stdin.buffer.read(1)\n"
        "    print('got', line)\n"
    )
    with PtyBoard(build_interpreter("debug")[0], cwd=str(root)) as b:
        uart = Uart(b.path)
        uart.read_until(rb"reading\r\n")
        # No agent on this board, and the program waits inside a read (C
        # code, no line runs): no answer; but the wake is kept from the program.
        r = subprocess.run(mpdbg_command() + ["attach", b.path], cwd=str(root), capture_output=True, text=True, timeout=TIMEOUT)
        assert r.returncode != 0 and "no mpdbg agent answered" in r.stderr, r.stderr
        os.write(uart.fd, b"hello\r")
        line = uart.read_until(rb"got (.*)\r\n").group(1)
        assert line == b"b'hello\\r'", line
        # A wake's prefix that turns out to be typed input is given to the program, in order.
        os.write(uart.fd, b"\xfe\xfdmpX\r")
        held = uart.read_until(rb"got (.*)\r\n").group(1)
        assert held == b"b'\\xfe\\xfdmpX\\r'", held
        os.write(uart.fd, b"\x03")  # Ctrl-C interrupts it, as on a board
        uart.read_until(rb"KeyboardInterrupt")
        uart.close()
