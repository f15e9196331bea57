"""`mpdbg debug --device PORT`: pdb's commands at a terminal (real keystrokes
through a pseudo-terminal) for a program on a board, the pty board."""

import os

import pexpect
import pytest
from conftest import REPO, build_interpreter, mpdbg_command
from ptyboard import PtyBoard

PROMPT = "(Pdb) "
TIMEOUT = 60 * float(os.environ.get("MPDBG_TIMEOUT_SCALE", "1"))
PROGRAM = "def add(a, b):\n    c = a + b\n    return c\n\n\ntotal = 0\nfor i in range(3):\n    total = add(total, i)\nprint('total', total)\n"


@pytest.fixture
def board(tmp_path):
    root = tmp_path / "board"
    root.mkdir()
    with PtyBoard(build_interpreter("debug")[0], cwd=str(root)) as b:
        yield b


def test_break_step_print_and_continue_on_the_pty_board(board, tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    prog = proj / "prog.py"
    prog.write_text(PROGRAM)
    cmd = mpdbg_command() + ["debug", "--device", board.path, str(prog)]
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, env=dict(os.environ, NO_COLOR="1"), encoding="utf-8", timeout=TIMEOUT)
    child.expect_exact(PROMPT)  # stopped before the first line
    child.sendline("b add")
    child.expect("Breakpoint 1 at .*prog.py:2")
    child.expect_exact(PROMPT)
    child.sendline("c")
    child.expect_exact(PROMPT)
    child.sendline("p a, b")
    child.expect_exact("(0, 0)")
    child.expect_exact(PROMPT)
    child.sendline("n")
    child.expect_exact(PROMPT)
    child.sendline("p c")
    child.expect_exact("0")
    child.expect_exact(PROMPT)
    child.sendline("w")
    child.expect("<module>")
    child.expect_exact(PROMPT)
    child.sendline("cl 1")
    child.expect_exact(PROMPT)
    child.sendline("c")
    child.expect_exact("total 3")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
