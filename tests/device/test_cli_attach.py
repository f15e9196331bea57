"""`mpdbg attach HOST:PORT`: the terminal debugger for a program that already
runs and waits in mpdbg.listen(); quitting leaves it running. Real
keystrokes through a pseudo-terminal (pexpect)."""

import contextlib
import os
import socket
import subprocess

import pexpect

import pytest

from conftest import REPO, mpdbg_command

# `mpdbg attach` reaches a host interpreter over a socket; boards come with
# the serial transport.
pytestmark = pytest.mark.host_only

LOOP = os.path.join(REPO, "tests", "e2e", "attach", "running_loop.py")
PROMPT = "(Pdb) "
TIMEOUT = 60 * float(os.environ.get("MPDBG_TIMEOUT_SCALE", "1"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_loop(micropython):
    """The loop program, listening on a free port; yields (process, port)."""
    port = free_port()
    prog = subprocess.Popen([micropython, LOOP, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert prog.stdout.readline() == "listening\n"
        yield prog, port
    finally:
        prog.kill()
        prog.wait()


def attach_paused(port):
    """`mpdbg attach` to the loop, paused with Ctrl-C at its prompt."""
    cmd = mpdbg_command() + ["attach", "127.0.0.1:%d" % port]
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, env=dict(os.environ, NO_COLOR="1"), encoding="utf-8", timeout=TIMEOUT)
    child.expect("agent .* on micropython")  # attached; the program runs on
    child.sendintr()  # Ctrl-C pauses it
    child.expect_exact(PROMPT)
    return child


def quit_(child):
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_attach_pause_inspect_and_quit_leaves_the_program_running(micropython):
    with running_loop(micropython) as (prog, port):
        child = attach_paused(port)
        child.sendline("p counter > 0")
        child.expect_exact("True")
        child.expect_exact(PROMPT)
        child.sendline("w")
        child.expect_exact("running_loop.py")
        child.expect_exact(PROMPT)
        quit_(child)
        # Still counting, never restarted: it goes on past a new million.
        assert prog.poll() is None
        line = prog.stdout.readline()
        assert line.startswith("counter "), line


def test_a_second_client_is_refused_while_one_is_attached_and_the_first_goes_on(micropython):
    with running_loop(micropython) as (prog, port):
        first = attach_paused(port)  # attached and stopped: the device holds this session
        cmd = mpdbg_command() + ["attach", "127.0.0.1:%d" % port]
        second = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
        assert second.returncode != 0
        assert "nothing listens for a debugger on 127.0.0.1:%d" % port in second.stderr, second.stderr
        # The first session did not notice.
        first.sendline("p counter > 0")
        first.expect_exact("True")
        first.expect_exact(PROMPT)
        quit_(first)
        # Detached: it listens again, and the next client attaches.
        quit_(attach_paused(port))
        assert prog.poll() is None
