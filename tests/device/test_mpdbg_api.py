"""_mpdbg: writing slots, stale frames, arming running frames, watch()."""

import os

import pytest

from conftest import UNWIND_HOOK, run_script, spawn

SCRIPTS = os.path.join(os.path.dirname(__file__), "scripts")


def script(name):
    return os.path.join(SCRIPTS, name)


def marker_lines(path):
    lines = {}
    with open(path) as f:
        for n, text in enumerate(f, 1):
            if "# " in text:
                lines[text.rsplit("# ", 1)[1].strip()] = n
    return lines


def test_set_slot_changes_what_the_function_computes(micropython):
    r = run_script(micropython, script("api_set_slot.py"))
    assert r.returncode == 0, r.stderr
    # a=100, b=7, cell c=1000 written before `total = a + b + get_c()`.
    assert r.stdout.splitlines() == ["(1107, 7)", "NameError", "IndexError -1", "IndexError 99"]


def test_every_call_on_a_stale_frame_raises_under_gc_pressure(micropython):
    r = run_script(micropython, script("api_stale.py"), "200", timeout=120)
    assert r.returncode == 0, r.stderr
    raised, live = map(int, r.stdout.split())
    # 200 rounds x (5 calls + 5 generators x 4 frames each) x 7 calls.
    assert raised == 200 * 25 * 7
    assert live == 0


def test_arming_a_running_frame_gives_line_events_in_its_loop(micropython):
    r = run_script(micropython, script("api_arm.py"))
    assert r.returncode == 0, r.stderr
    m = marker_lines(script("api_arm.py"))
    result, lines = r.stdout.split(" ", 1)
    assert result == "3"
    loop = [m["LOOP"], m["BODY1"], m["BODY2"]]
    # Armed inside poll(0): the rest of BODY2, then two more iterations.
    assert eval(lines) == [m["BODY2"]] + loop * 2 + [m["END"]]


def test_watch_reaches_a_loop_that_makes_no_calls(micropython):
    proc = spawn(micropython, script("api_watch.py"))
    try:
        assert proc.stdout.readline() == b"watch True\n"
        assert proc.stdout.readline() == b"ready\n"
        proc.stdin.write(b"x")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    # The spin loop is a single-line `while`; the armed frame stops at its body.
    assert out.decode().strip() == "stopped at 2 b'x'", err


def test_unwound_frames_keep_their_locals_as_the_exception_left_them(micropython, features):
    if not features & UNWIND_HOOK:
        r = run_script(micropython, "-c", "import _mpdbg; print(hasattr(_mpdbg, 'keep_unwound'))")
        assert r.stdout.strip() == "False"  # stock firmware: the agent shows the traceback only
        return
    r = run_script(micropython, script("api_unwound.py"), timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "[('inner', 12), ('middle', 21)]",
        # inner's a, b; middle's x, the cell y (dereferenced) and its mask bit.
        "(11, [11, 11, 11]) 5 10 4",
        "[]",
        "1",
        "0",
        "32",
        "299 [599, 599, 599]",
        "[]",
    ]


@pytest.mark.host_only
def test_watch_polls_the_descriptor_of_a_stream_whose_poll_fails(micropython, free_port):
    # Upstream's unix port: sys.stdin's MP_STREAM_POLL always errors, but it
    # has a file descriptor; watch() must still wake the loop.
    r = run_script(micropython, script("api_watch_fd.py"), str(free_port), timeout=30)
    assert r.stdout.split() == ["poll", "fails", "True", "watch", "True", "woken", "True"], r.stderr
