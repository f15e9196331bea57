"""`mpdbg micropython build`: clean build, cache hit, release flavour."""

import os
import shutil
import subprocess
import time

import pytest

from conftest import build_interpreter


@pytest.fixture(scope="module")
def fresh_cache(tmp_path_factory):
    """A new cache that reuses only the (hash-checked) source download."""
    cache = tmp_path_factory.mktemp("mpdbg-cache")
    env = dict(os.environ, MPDBG_CACHE_DIR=str(cache))
    return cache, env


def test_clean_build_then_cache_hit(fresh_cache):
    cache, env = fresh_cache
    path, log = build_interpreter(env=env)
    assert path.startswith(str(cache)), path
    assert "building the debug MicroPython" in log
    assert "downloading" in log
    started = time.monotonic()
    again, log = build_interpreter(env=env)
    assert again == path
    assert "using the cached build" in log and "building" not in log
    assert time.monotonic() - started < 30  # cargo run's own start-up included
    r = subprocess.run([path, "-c", "import sys, _mpdbg; print(hasattr(sys, 'settrace'))"], capture_output=True)
    assert r.stdout == b"True\n"


def test_release_flavour_has_no_settrace_and_no_mpdbg(fresh_cache):
    cache, env = fresh_cache
    path, _ = build_interpreter("release", env=env)
    r = subprocess.run(
        [path, "-c", "import sys\nprint(hasattr(sys, 'settrace'))\ntry:\n import _mpdbg\nexcept ImportError:\n print('no _mpdbg')"],
        capture_output=True,
    )
    assert r.stdout == b"False\nno _mpdbg\n"


def test_corrupt_download_is_rejected_and_replaced(fresh_cache, tmp_path):
    cache, env = fresh_cache
    other = tmp_path / "cache"
    shutil.copytree(cache / "downloads", other / "downloads")
    sdist = next((other / "downloads").iterdir())
    sdist.write_bytes(b"not the package")
    env = dict(env, MPDBG_CACHE_DIR=str(other))
    path, log = build_interpreter(env=env)
    assert "downloading" in log  # the bad file was not trusted
    assert os.access(path, os.X_OK)
