"""`mpdbg run`: the first command a new user runs (README)."""

import os
import subprocess

from conftest import REPO, mpdbg_command


def test_run_prints_location_stack_and_locals_at_each_breakpoint():
    hello = os.path.join(REPO, "examples", "hello.py")
    r = subprocess.run(
        mpdbg_command() + ["run", "-b", hello + ":12", hello],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    # The program's own output passes through on stdout, untouched.
    assert r.stdout == "temperatures: 4 values, mean 11.75\nhello True\n"
    report = r.stderr
    assert "stopped (breakpoint) at %s:12 in average" % hello in report
    assert "stack (3 frames):" in report and "hello.py:17 describe" in report
    for line in ("values = [12, 15, 9, 11]", "total = 47", "count = 4", "v = 11"):
        assert line in report, report


def test_run_refuses_a_breakpoint_on_a_blank_line():
    hello = os.path.join(REPO, "examples", "hello.py")
    r = subprocess.run(
        mpdbg_command() + ["run", "-b", hello + ":4", hello], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert r.returncode != 0
    assert "hello.py:4: no code here: blank line" in r.stderr


def test_run_passes_arguments_and_the_exit_code():
    args = os.path.join(REPO, "examples", "args.py")
    r = subprocess.run(mpdbg_command() + ["run", args, "exit=3", "two"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "arg 1 [two]" in r.stdout
    assert r.returncode == 3, (r.stdout, r.stderr)
