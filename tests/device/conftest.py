"""Fixtures for the device-side tests: the debug MicroPython and CPython."""

import os
import subprocess

import pytest

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


@pytest.fixture(scope="session", params=FLAVOURS)
def micropython(request):
    path = os.environ.get("MPDBG_MICROPYTHON")
    if not path:
        path, _ = build_interpreter(request.param)
    assert os.path.isabs(path) and os.access(path, os.X_OK), path
    return path


@pytest.fixture(scope="session")
def features(micropython):
    """_mpdbg.FEATURES of the interpreter: which core patches it has."""
    r = run_script(micropython, "-c", "import _mpdbg; print(_mpdbg.FEATURES)")
    return int(r.stdout)


LAZY_FRAMES = 1
TRACER_MAY_RAISE = 8
FRAME_REUSE = 64


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
    """Runs a script file; returns CompletedProcess with text output."""
    return subprocess.run(
        [interpreter, script, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
