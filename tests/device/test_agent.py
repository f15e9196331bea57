"""The on-device agent over its raw protocol: robustness rules of the brief."""

import os
import subprocess
import textwrap

import pytest

from agentlink import AGENT, AgentLink
from conftest import UNWIND_HOOK, run_script


@pytest.fixture
def program(tmp_path):
    def write(code):
        path = tmp_path / "prog.py"
        path.write_text(textwrap.dedent(code))
        return str(path)

    return write


@pytest.mark.host_only
def test_program_runs_on_when_the_host_goes_away(micropython, program):
    path = program(
        """
        total = 0
        for i in range(20000):
            total += i
        print("finished", total)
        """
    )
    with AgentLink(micropython, path) as link:
        assert link.until(b"H")[0] == b"2"
        link.until(b"S")
        link.send(b"B", 1, path, 4, "", "i,total", 0)  # a breakpoint at the print
        link.until(b"R")
        link.send(b"C", 2)
        link.until(b"S")  # stopped at the breakpoint
        link.proc.stdin.close()  # the host vanishes while the program is stopped
        out = link.proc.stdout.read()
        assert link.proc.wait(timeout=30) == 0, link.proc.stderr.read()
        assert b"finished 199990000\n" in link.output + out


@pytest.mark.host_only
def test_program_runs_when_the_link_reads_as_end_of_file(micropython, program):
    # A link that polls readable and reads nothing (a closed socket, a file)
    # is a host that went away: the program runs, the agent does not spin.
    path = program(
        """
        print("ran", 6 * 7)
        """
    )
    with open(os.devnull, "rb") as nothing:
        r = subprocess.run(
            [micropython, AGENT, path], stdin=nothing, capture_output=True, timeout=30
        )
    assert r.returncode == 0, r.stderr
    assert b"ran 42\n" in r.stdout


def test_garbage_on_the_link_is_skipped(micropython, program):
    path = program("x = 1\nprint('x is', x)\n")
    with AgentLink(micropython, path) as link:
        link.until(b"S")
        link.raw(b"\x00\xfe\xfe\xfd\x10\x00\x00junk\xfe\xfd")  # not frames
        link.send(b"C", 1)
        link.until(b"D")
        assert b"x is 1" in link.output


def test_a_failing_repr_and_a_failing_evaluation_do_not_hurt_the_program(micropython, program):
    path = program(
        """
        class Bad:
            def __repr__(self):
                raise RuntimeError("no repr")

        def f():
            b = Bad()
            return 1  # stop here

        print("result", f())
        """
    )
    with AgentLink(micropython, path) as link:
        link.until(b"S")
        link.send(b"B", 1, path, 8, "", "b", 6)
        link.until(b"R")
        link.send(b"C", 2)
        link.until(b"S")
        link.send(b"L", 3, 0)
        locals_ = link.until(b"V")
        assert b"<repr failed: RuntimeError>" in locals_
        link.send(b"E", 4, 0, "e", "1/0", "b")
        reply = link.until(b"E")
        assert reply[1] == b"0" and b"ZeroDivisionError" in reply[2]
        link.send(b"E", 5, 0, "e", "undefined_name", "b")
        assert link.until(b"E")[1] == b"0"
        link.send(b"C", 6)
        assert link.until(b"D")[0] == b"exit"
        assert b"result 1" in link.output


def run_to_breakpoint(link, path, line, condition=""):
    """From the start: a breakpoint at `line` of `path`, continue, stopped there."""
    link.until(b"S")
    link.send(b"B", 1, path, line, condition, "", 0)
    link.until(b"R")
    link.send(b"C", 2)
    assert link.until(b"S")[0] == b"breakpoint"


# An uncaught exception two calls deep.
UNWINDING = "def inner(a):\n    b = [a]\n    raise ValueError('bad')\n\ndef outer(x):\n    y = x + 1\n    inner(y)\n\nouter(3)\n"


def test_a_breakpoint_condition_that_fails_stops_like_cpython_debuggers(micropython, program):
    path = program("for i in range(3):\n    y = i\nprint('done')\n")
    with AgentLink(micropython, path) as link:
        run_to_breakpoint(link, path, 2, "i / 0")


def test_uncaught_exception_stops_then_ends_with_the_traceback(micropython, program):
    path = program("def f():\n    raise ValueError('bad value')\n\nf()\n")
    with AgentLink(micropython, path) as link:
        link.until(b"S")
        link.send(b"C", 1)
        reason, depth, text = link.until(b"S")
        assert reason == b"exception" and b"ValueError: bad value" in text and b"line 2" in text
        link.send(b"C", 2)
        how, code, text = link.until(b"D")
        assert (how, code) == (b"exception", b"1") and b"ValueError" in text


def test_an_uncaught_exception_keeps_each_frame_with_its_slots_where_the_firmware_can(micropython, program, features):
    path = program(UNWINDING)
    with AgentLink(micropython, path) as link:
        link.until(b"S")
        link.send(b"C", 1)
        reason, depth, text = link.until(b"S")
        assert reason == b"exception" and text.startswith(b"Traceback") and b"ValueError: bad" in text
        if not features & UNWIND_HOOK:
            # Stock firmware: the frames are gone; the host shows the traceback.
            assert depth == b"0"
            return
        assert depth == b"3"
        link.send(b"T", 2, 0, 10)
        k = link.until(b"K")
        assert k[1] == b"3" and k[2:] == [path.encode(), b"inner", b"3", b"1", path.encode(), b"outer", b"7", b"5",
                                         path.encode(), b"<module>", b"9", b"1"], k
        link.send(b"L", 3, 0)
        v = link.until(b"V")
        # After id and the 7 code facts, slots a and b: (type, repr, reference, length) each.
        assert v[8:10] == [b"int", b"4"] and v[12:14] == [b"list", b"[4]"], v
        link.send(b"E", 4, 1, b"e", b"x * 10 + y", b"x,y")
        assert link.until(b"E")[1:4] == [b"1", b"int", b"34"]
        link.send(b"S", 5, 1, b"s", b"0", b"9", b"x,y")
        ok = link.until(b"E")
        assert ok[1] == b"0" and b"unwound" in ok[2]
        link.send(b"C", 6)
        how, code, _ = link.until(b"D")
        assert (how, code) == (b"exception", b"1")


def test_stepping_into_an_uncaught_exception_keeps_the_frames_on_every_firmware(micropython, program):
    # Without core patch 0009 the tracer keeps the frames it sees: stepping
    # traces the frame and arms its callers, so it sees them all.
    path = program(UNWINDING)
    with AgentLink(micropython, path) as link:
        run_to_breakpoint(link, path, 2)
        link.send(b"N", 3)
        assert link.until(b"S")[0] == b"step"
        link.send(b"N", 4)
        reason, depth, text = link.until(b"S")
        assert (reason, depth) == (b"exception", b"3") and text.startswith(b"Traceback"), (reason, depth, text)
        link.send(b"L", 5, 0)
        v = link.until(b"V")
        assert v[8:10] == [b"int", b"4"] and v[12:14] == [b"list", b"[4]"], v
        link.send(b"C", 6)
        assert link.until(b"D")[:2] == [b"exception", b"1"]




@pytest.mark.host_only
def test_watch_polls_streams_the_port_cannot_signal(micropython, tmp_path):
    # A socket is not the port's REPL stream: watch() falls back to polling.
    # A loopback connection inside the program; the loop makes no calls
    # except the one send that wakes it.
    path = tmp_path / "w.py"
    path.write_text(
        "import socket, _mpdbg, sys\n"
        "srv = socket.socket()\n"
        "srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "srv.bind(('127.0.0.1', int(sys.argv[1])))\n"
        "srv.listen(1)\n"
        "c = socket.socket()\n"
        "c.connect(('127.0.0.1', int(sys.argv[1])))\n"
        "s, _ = srv.accept()\n"
        "state = {'stop': False}\n"
        "def on_line(frame, event, arg):\n"
        "    state['stop'] = True\n"
        "sys.settrace(lambda f, e, a: None)\n"
        "print(_mpdbg.watch(s, on_line, 5))\n"
        "n = 0\n"
        "while not state['stop']:\n"
        "    n += 1\n"
        "    if n == 2000:\n"
        "        c.send(b'x')\n"
        "print('woken', n >= 2000)\n"
    )
    import socket
    import subprocess

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    r = subprocess.run([micropython, str(path), str(port)], capture_output=True, text=True, timeout=30)
    assert r.stdout.split() == ["True", "woken", "True"], r.stderr


HEAP_PROGRAM = """
import gc


def never_called():
    return 0  # line 6: the breakpoint


gc.collect()
print("heap", gc.mem_alloc())
"""


def test_the_agent_leaves_the_program_within_8_kb_of_heap(micropython, program):
    # The brief's target: what the agent keeps on the heap while the program
    # runs attached (a breakpoint set, not reached), as the program sees it.
    path = program(HEAP_PROGRAM)
    plain = run_script(micropython, path, timeout=30)
    assert plain.returncode == 0, plain.stderr
    with AgentLink(micropython, path) as link:
        link.until(b"H")
        link.until(b"S")
        link.send(b"B", 1, path, 6, "", "", 5)
        link.until(b"R")
        link.send(b"C", 2)
        assert link.proc.wait(timeout=30) == 0, link.proc.stderr.read()
        out = link.output + link.proc.stdout.read()
    attached = int(out.split(b"heap ")[1].split()[0])
    base = int(plain.stdout.split()[1])
    print("agent heap attached", attached - base)
    assert attached - base <= 8192, (attached, base)


def test_the_agent_names_are_in_the_firmware_qstr_table():
    # scripts/agent_qstrs.py keeps firmware/mpdbg_module/agent_qstrs.c in
    # step with agent/*.py; a stale table costs heap for every new name.
    r = subprocess.run(
        ["python3", os.path.join(os.path.dirname(AGENT), "..", "scripts", "agent_qstrs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
