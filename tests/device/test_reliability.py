"""Hostile programs and slow values against the agent over its raw protocol,
on every flavour (debug, stock, checked): docs/reliability.md."""

import os
import shutil
import textwrap
import time

import pytest

from agentlink import AgentLink


@pytest.fixture
def program(tmp_path):
    def write(code, name="prog.py"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(code))
        return str(path)

    return write


def start(link, path, line, names="", def_line=0):
    assert link.until(b"H")[0] == b"2"
    link.until(b"S")
    link.send(b"B", 1, path, line, "", names, def_line)
    link.until(b"R")
    link.send(b"C", 2)


def test_input_is_served_from_input_messages_and_a_pause_stops_inside_it(micropython, program):
    path = program(
        """
        import sys
        print("ready")
        a = input("a? ")
        b = sys.stdin.readline()
        c = sys.stdin.read(3)
        print("got", repr(a), repr(b), repr(c))
        try:
            input()
        except EOFError:
            print("eof")
        """
    )
    with AgentLink(micropython, path) as link:
        start(link, path, 99)
        link.until_output(b"a? ")  # it waits in input() now
        link.send(b"P", 3)
        reason, depth, _ = link.until(b"S")
        assert reason == b"pause" and int(depth) >= 1
        link.send(b"T", 4, 0, 8)
        stack = link.until(b"K")
        assert stack[2].decode() == path, stack  # the program's frame, not the agent's
        link.send(b"C", 5)
        link.send(b"U", 6, b"Ann\n")
        link.send(b"U", 7, b"Bob\nxyz")
        link.send(b"U", 8, b"")  # the end of its input
        assert link.until(b"D")[:2] == [b"exit", b"0"]
        assert link.output.endswith(b"got 'Ann' 'Bob\\n' 'xyz'\neof\n"), link.output


def stopped_in_f(micropython, program):
    """The agent stopped at `return x` in a small function (x = 1)."""
    path = program(
        """
        def f():
            x = 1
            return x
        f()
        """
    )
    link = AgentLink(micropython, path)
    try:
        start(link, path, 4, "x", 2)
        assert link.until(b"S")[0] == b"breakpoint", link.output
    except BaseException:
        link.close()
        raise
    return link


def test_an_evaluation_that_never_ends_is_interrupted(micropython, program):
    with stopped_in_f(micropython, program) as link:
        link.send(b"E", 3, 0, "x", "while True: pass", "x")
        t0 = time.monotonic()
        link.send(b"J", 0)  # what the host sends for a cancel, a pause, a timeout
        kind, fields = link.recv()
        assert (kind, fields[1:]) == (b"E", [b"0", b"interrupted"])
        assert time.monotonic() - t0 < 1.0
        link.send(b"E", 4, 0, "e", "x + 1", "x")
        assert link.until(b"E")[:4] == [b"4", b"1", b"int", b"2"]  # replies stay matched


def test_big_values_and_looping_properties_cost_bounded_work(micropython, program):
    path = program(
        """
        class T:
            plain = 1

            @property
            def loops(self):
                while True:
                    pass

        def f():
            big = list(range(N))
            t = T()
            return big, t
        # Big, within the heap: list() doubles its array as it grows (20000
        # items need 64 + 128 KB at the peak on a 32-bit board: all of its
        # 192 KB heap), so at most a quarter of the free heap at the end.
        N = min(20000, __import__("gc").mem_free() // 32)
        f()
        """
    )
    with AgentLink(micropython, path) as link:
        start(link, path, 13, "big,t", 10)
        assert link.until(b"S")[0] == b"breakpoint", link.output
        link.send(b"L", 3, 0)
        v = link.until(b"V")
        big_repr = v[8 + 1]
        assert big_repr.startswith(b"[0, 1, 2") and len(big_repr) <= 256
        ref = int(v[8 + 4 + 2])  # t's reference
        t0 = time.monotonic()
        link.send(b"A", 4, ref, 0, 50)
        w = link.until(b"W")
        assert time.monotonic() - t0 < 3
        shown = {w[i]: w[i + 2] for i in range(2, len(w), 5)}
        assert shown[b"plain"] == b"1"
        assert shown[b"loops"].startswith(b"<took over")


def test_running_out_of_heap_while_inspecting_is_an_error_reply(micropython, program):
    # A MemoryError in the agent's stop-time work goes to the host as the
    # request's error; the agent serves on (never deaf, on any heap).
    with stopped_in_f(micropython, program) as link:
        link.send(b"E", 3, 0, "e", "bytearray(1 << 30)", "x")
        reply = link.until(b"E")
        assert reply[:2] == [b"3", b"0"] and reply[2].startswith(b"MemoryError"), reply
        link.send(b"L", 4, 0)
        assert link.until(b"V")[0] == b"4"
        link.send(b"C", 5)
        assert link.until(b"D")[:2] == [b"exit", b"0"]


def test_user_files_named_like_the_agent_are_not_imported(micropython, program):
    program('print("USER FILE")\nraise SystemExit(9)\n', "mpdbg_stop.py")
    program('print("USER FILE")\nraise SystemExit(9)\n', "mpdbg_inspect.py")
    path = program(
        """
        total = 0
        for i in range(3):
            total += i
        print("total", total)
        """
    )
    with AgentLink(micropython, path) as link:
        start(link, path, 4)
        link.until(b"S")
        link.send(b"L", 3, 0)  # loads mpdbg_inspect
        link.until(b"V")
        link.send(b"B", 4, path)  # no breakpoints left
        link.until(b"R")
        link.send(b"C", 5)
        assert link.until(b"D")[:2] == [b"exit", b"0"]
        assert b"USER FILE" not in link.output and b"total 3" in link.output


def test_a_condition_that_never_ends_stops_instead(micropython, program):
    path = program(
        """
        def spin():
            while True:
                pass

        def f(i):
            return i

        for i in range(3):
            f(i)
        """
    )
    with AgentLink(micropython, path) as link:
        assert link.until(b"H")[0] == b"2"
        link.until(b"S")
        link.send(b"B", 1, path, 7, "spin()", "i", 6)
        link.until(b"R")
        link.send(b"C", 2)
        for n in range(3):  # every hit stops (after 1 s), none hangs
            t0 = time.monotonic()
            assert link.until(b"S")[0] == b"breakpoint"
            assert time.monotonic() - t0 < 3
            link.send(b"C", 3 + n)
        assert link.until(b"D")[:2] == [b"exit", b"0"]
