"""Checks of the oracle and the example programs (pytest).

- the committed fixtures are what oracle.py generates now (debugpy, CPython);
- every example prints the same bytes and exits the same way on CPython and
  on the debug MicroPython, so the e2e tests may compare mpdbg's sessions
  with CPython's;
- markers are unique and sit on code lines.
"""

import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EXAMPLES = os.path.join(REPO, "examples")
sys.path.insert(0, HERE)

from markers import markers_of  # noqa: E402
from oracle import PROGRAMS  # noqa: E402


def micropython():
    path = os.environ.get("MPDBG_MICROPYTHON")
    if path:
        return path
    cmd = [os.environ["MPDBG_BIN"]] if os.environ.get("MPDBG_BIN") else [
        "cargo", "run", "-q", "-p", "mpdbg", "--"]
    r = subprocess.run(cmd + ["micropython", "build"], cwd=REPO, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def mp():
    return micropython()


def test_fixtures_are_fresh():
    try:
        import debugpy  # noqa: F401
    except ImportError:
        pytest.fail("debugpy is missing: pip install -r tests/oracle/requirements.txt")
    r = subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"), "--check"],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, "regenerating the oracle fixtures changed them " \
        "(run python3 tests/oracle/oracle.py and review the diff):\n" + r.stderr[-3000:]


def run(interp, program, args, cwd):
    return subprocess.run([interp, program] + list(args), cwd=cwd, capture_output=True,
                          timeout=120)


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_example_agrees_on_cpython_and_micropython(mp, program, tmp_path):
    path = os.path.join(EXAMPLES, program)
    if program == "loop_forever.py":
        # The real bound is 10**9 iterations; the copy's is small.
        src = open(path, encoding="utf-8").read()
        assert "LIMIT = 10 ** 9" in src
        path = str(tmp_path / program)
        with open(path, "w", encoding="utf-8") as f:
            f.write(src.replace("LIMIT = 10 ** 9", "LIMIT = 1000"))
    args = PROGRAMS[program].get("args", [])
    cp = run(sys.executable, path, args, EXAMPLES)
    up = run(mp, path, args, EXAMPLES)
    assert up.returncode == cp.returncode, (up.returncode, cp.returncode, up.stderr)
    assert up.stdout == cp.stdout


def test_every_example_is_in_the_oracle():
    examples = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py"))
    assert examples == sorted(PROGRAMS)


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_markers_are_on_code_lines(program):
    path = os.path.join(EXAMPLES, program)
    lines = open(path, encoding="utf-8").read().split("\n")
    marks = markers_of(path)
    assert marks, "no markers"
    for name, line in marks.items():
        code = re.sub(r"#.*", "", lines[line - 1]).strip()
        assert code, "BP:%s is on line %d, which has no code" % (name, line)
