"""sys.settrace on the host port behaves as upstream MicroPython's does.

Each case runs on MicroPython and CPython; MicroPython must match CPython
except for the documented differences (docs/micropython-settrace.md), which are
asserted exactly so that a change in either interpreter is noticed.
"""

import ast
import os
import sys

import pytest

from conftest import LAZY_FRAMES, TRACER_MAY_RAISE, run_script

SCRIPTS = os.path.join(os.path.dirname(__file__), "scripts")


def events(interpreter, case):
    r = run_script(interpreter, os.path.join(SCRIPTS, "trace_events.py"), case)
    assert r.returncode == 0, r.stderr
    return ast.literal_eval(r.stdout)


def without_arg(evs):
    return [e[:3] for e in evs]


def test_call_line_return_match_cpython_but_arg_is_always_none(micropython):
    mp = events(micropython, "simple")
    cp = events(sys.executable, "simple")
    assert without_arg(mp) == without_arg(cp)
    # CPython passes the return value; MicroPython always passes None.
    assert all(e[3] for e in mp)
    assert not all(e[3] for e in cp)


def test_no_return_event_after_exception_leaves_function(micropython):
    mp = without_arg(events(micropython, "exception"))
    cp = without_arg(events(sys.executable, "exception"))
    assert ("return", "raises", 27) in cp
    assert ("return", "raises", 27) not in mp
    assert [e for e in cp if e != ("return", "raises", 27)] == mp


def test_generator_resume_is_a_call_at_the_yield_line_then_a_duplicate_line(micropython):
    mp = without_arg(events(micropython, "generator"))
    resume = mp.index(("call", "gen", 38))
    assert mp[resume + 1] == ("line", "gen", 38)
    cp = without_arg(events(sys.executable, "generator"))
    assert cp[cp.index(("call", "gen", 38)) + 1] == ("line", "gen", 39)


def test_for_loop_fires_last_body_line_once_more_than_cpython(micropython):
    mp = without_arg(events(micropython, "for"))
    cp = without_arg(events(sys.executable, "for"))
    assert mp.count(("line", "for_loop", 50)) == 4
    assert cp.count(("line", "for_loop", 50)) == 3


def test_while_header_fires_once_and_single_line_body_once(micropython):
    mp = without_arg(events(micropython, "while"))
    cp = without_arg(events(sys.executable, "while"))
    assert mp.count(("line", "while_loop", 56)) == 1
    assert cp.count(("line", "while_loop", 56)) == 4
    # The body line does not change between iterations, so it fires once.
    assert mp.count(("line", "while_loop", 57)) == 1


def test_returning_none_from_call_silences_that_frame(micropython):
    mp = without_arg(events(micropython, "selective"))
    assert [e for e in mp if e[1] == "untraced_callee"] == [("call", "untraced_callee", 61)]
    assert mp == without_arg(events(sys.executable, "selective"))


def test_generator_frame_identity_across_resumes(micropython, features):
    # Stock MicroPython makes a new frame object at each resume; with the
    # lazy-frames patch a generator keeps one, as in CPython.
    r = run_script(micropython, os.path.join(SCRIPTS, "frames_identity.py"))
    assert r.stdout.strip() == ("False" if features & LAZY_FRAMES else "True")
    assert run_script(sys.executable, os.path.join(SCRIPTS, "frames_identity.py")).stdout.strip() == "False"


def test_a_raising_tracer_switches_tracing_off_for_the_process(micropython, features):
    # Stock MicroPython: for good. This is why mpdbg's agent must never let an
    # exception escape its tracer. Our core patch 0005 fixes it.
    r = run_script(micropython, os.path.join(SCRIPTS, "raising_tracer.py"))
    assert r.stdout.strip() == ("6" if features & TRACER_MAY_RAISE else "0")
    r = run_script(sys.executable, os.path.join(SCRIPTS, "raising_tracer.py"))
    assert r.stdout.strip() == "6"


@pytest.mark.parametrize("attr", ["f_locals", "f_trace"])
def test_frames_lack_locals_and_f_trace(micropython, tmp_path, attr):
    path = tmp_path / "attr.py"
    path.write_text(f"import sys\nsys.settrace(lambda f, e, a: print(hasattr(f, '{attr}')))\n(lambda: 0)()\n")
    r = run_script(micropython, str(path))
    assert r.stdout.split() and set(r.stdout.split()) == {"False"}


def test_co_firstlineno_is_the_first_body_line_not_the_def_line(micropython, tmp_path):
    path = tmp_path / "first.py"
    path.write_text(
        "import sys\n\n\ndef f():\n    a = 1\n    return a\n\n\n"
        "sys.settrace(lambda fr, e, a: print(fr.f_code.co_firstlineno, fr.f_lineno) if e == 'call' else None)\n"
        "f()\nsys.settrace(None)\n"
    )
    assert run_script(micropython, str(path)).stdout.split() == ["5", "4"]
    assert run_script(sys.executable, str(path)).stdout.split()[:2] == ["4", "4"]
