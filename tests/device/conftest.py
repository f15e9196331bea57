"""Fixtures for the device-side tests: the debug MicroPython and CPython."""

import ast
import os
import subprocess

import pytest

from qemuboard import QemuBoard

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def mpdbg_command():
    """The mpdbg binary: $MPDBG_BIN, else built by cargo from this checkout."""
    exe = os.environ.get("MPDBG_BIN")
    if exe:
        return [exe]
    return ["cargo", "run", "-q", "-p", "mpdbg", "--"]


def build_interpreter(flavour="debug", env=None):
    """Runs `mpdbg micropython build` and returns (path, stderr)."""
    result = subprocess.run(
        mpdbg_command() + ["micropython", "build", "--flavour", flavour],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"mpdbg micropython build failed:\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1], result.stderr


# Every device test runs on the patched debug build, on the stock core
# (settrace and _mpdbg without our patches), which mpdbg must also support,
# and on `checked`: the patched build with assertions and the VM's switch
# dispatch (as many microcontroller ports run it). MPDBG_MICROPYTHON names
# one interpreter of your own instead.
FLAVOURS = ["external"] if os.environ.get("MPDBG_MICROPYTHON") else ["debug", "stock", "checked"]
# The same tests run on the emulated Cortex-M3 board (`mpdbg emulate`, over
# its UART), debug and stock, except those marked host_only (sockets, exit
# codes of a process, end of file on stdin: things a UART has not).
# MPDBG_NO_BOARD=1 leaves the board out (it needs gcc-arm-none-eabi,
# libnewlib-arm-none-eabi and qemu-system-arm).
if not os.environ.get("MPDBG_NO_BOARD"):
    FLAVOURS += ["qemu-debug", "qemu-stock"]


def pytest_configure(config):
    config.addinivalue_line("markers", "host_only: needs the host interpreter (a process), not a board")


# Known failures on the board, shown as xfail (not run: they hang until the
# link's timeout).
BOARD_KNOWN_FAILURES = {}


def pytest_collection_modifyitems(config, items):
    keep, dropped = [], []
    for item in items:
        param = getattr(getattr(item, "callspec", None), "params", {}).get("micropython", "")
        if item.name in BOARD_KNOWN_FAILURES:
            item.add_marker(pytest.mark.xfail(run=False, reason=BOARD_KNOWN_FAILURES[item.name]))
        if param.startswith("qemu-") and item.get_closest_marker("host_only"):
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session", params=FLAVOURS)
def micropython(request):
    """The target: a host interpreter's path, or a QemuBoard."""
    if request.param.startswith("qemu-"):
        board = QemuBoard(mpdbg_command(), request.param[len("qemu-") :], REPO)
        request.addfinalizer(board.close)
        return board
    path = os.environ.get("MPDBG_MICROPYTHON")
    if not path:
        path, _ = build_interpreter(request.param)
    assert os.path.isabs(path) and os.access(path, os.X_OK), path
    return path


def on_board(target):
    return isinstance(target, QemuBoard)


@pytest.fixture(scope="session")
def features(micropython):
    """_mpdbg.FEATURES of the interpreter: which core patches it has."""
    r = run_script(micropython, "-c", "import _mpdbg; print(_mpdbg.FEATURES)")
    return int(r.stdout)


LAZY_FRAMES = 1
TRACER_MAY_RAISE = 8
FRAME_REUSE = 64
UNWIND_HOOK = 128
EXCEPTION_EVENT_MAY_RAISE = 256
LINE_GATE = 512
CALL_MARKS = 1024
GATE_STOP = 2048
GATE_WAKE = 4096
CALL_GATED = 8192


@pytest.fixture
def free_port():
    """A loopback TCP port that nothing listens on."""
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def run_script(interpreter, script, *args, stdin=None, timeout=60):
    """Runs a script file (or `-c CODE`) on a host interpreter or the board,
    with `-X heapsize=N` options before it; returns CompletedProcess with
    text output."""
    if on_board(interpreter):
        heap = {}
        while script == "-X":
            value = args[0].split("=", 1)[1]
            heap["heap"] = int(value[:-1]) * 1024 if value[-1] in "kK" else int(value)
            script, args = args[1], args[2:]
        if script == "-c":
            interpreter.soft_reset()
            out = interpreter.exec_raw(args[0], timeout=timeout).replace(b"\r\n", b"\n")
            return subprocess.CompletedProcess(["-c"], 0, out.decode(), "")
        return interpreter.run(script, *args, stdin=stdin, timeout=timeout, **heap)
    return subprocess.run(
        [interpreter, script, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def named_values(stdout):
    """{name: value} of a script's output lines `NAME PYTHON-LITERAL`."""
    out = {}
    for line in stdout.splitlines():
        name, _, value = line.partition(" ")
        out[name] = ast.literal_eval(value)
    return out


def case_events(interpreter, script):
    """{case: events} of a device script that prints one `CASE LITERAL` line
    per case (the scripts that compare the patched core with the stock one)."""
    r = run_script(interpreter, script, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return named_values(r.stdout)


def marked_lines(script):
    """{NAME: line} of the lines of a device script marked `# L:NAME`."""
    with open(script) as f:
        return {t.split("# L:")[1].split()[0]: n for n, t in enumerate(f.read().split("\n"), 1) if "# L:" in t}


def stock_cases(script):
    """A module's fixture: the stock core's case_events of `script`, which
    the patched builds must give too."""

    @pytest.fixture(scope="module")
    def stock_events():
        stock, _ = build_interpreter("stock")
        return case_events(stock, script)

    return stock_events


def assert_same_cases(got, want):
    """Every case's events as `want` has them, case by case."""
    assert list(got) == list(want)
    for case, events in want.items():
        assert got[case] == events, case


def has_core_patches(request):
    """Whether the test's target is a patched build (not stock)."""
    return not request.node.callspec.params["micropython"].endswith("stock")


def spawn(interpreter, script, *args):
    """Starts a script with pipes for stdin/stdout/stderr (Popen or its
    board equivalent)."""
    if on_board(interpreter):
        return interpreter.popen(script, *args)
    return subprocess.Popen(
        [interpreter, script, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def mpremote(port, *args):
    """Runs PyPI's mpremote on a serial port path (a pty board)."""
    import sys

    return subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", port, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
