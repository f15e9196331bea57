"""Unit tests of bench/cputime.py's recording wrapper (no MicroPython)."""

import os
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cputime  # noqa: E402


def test_the_wrapper_passes_the_run_through_and_records_its_cpu_time():
    with tempfile.TemporaryDirectory() as folder:
        wrapper = os.path.join(folder, "wrapped")
        with open(wrapper, "w") as f:
            f.write(cputime.RUSAGE % (sys.executable, sys.executable, sys.executable, os.path.join(folder, "cpu")))
        os.chmod(wrapper, 0o755)
        burn = "import sys; s = sys.stdin.read(); sum(range(2000000)); print(s.upper()); sys.exit(3)"
        out = subprocess.run([wrapper, "-c", burn, "/t/loops_1.py"], input="link", capture_output=True, text=True)
        assert (out.returncode, out.stdout) == (3, "LINK\n")  # status, stdin and stdout pass through
        seconds = cputime.cpu_seconds(folder, "/t/loops_1.py")
        assert 0 < seconds < 10
        assert os.listdir(folder) == ["wrapped"]  # the record is removed
        with pytest.raises(RuntimeError):
            cputime.cpu_seconds(folder, "/t/loops_1.py")
