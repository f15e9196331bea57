"""_mpdbg.slots() against CPython's frame.f_locals, at every line event.

Both interpreters run scripts/slot_shapes.py under a recording tracer. For
each (function, call number), the two sequences of line events are aligned
with difflib: MicroPython places some line events differently in loops (see
test_settrace.py), which leaves a few events unmatched on either side; the
coverage check bounds how many.
"""

import ast
import difflib
import os
import sys

from conftest import run_script

SCRIPTS = os.path.join(os.path.dirname(__file__), "scripts")
sys.path.insert(0, SCRIPTS)
import slot_shapes  # noqa: E402


def record(interpreter):
    """{(function, call): [(line, values, cells), ...]}"""
    r = run_script(interpreter, os.path.join(SCRIPTS, "record_slots.py"))
    assert r.returncode == 0, r.stdout + r.stderr
    calls = {}
    for name, call, line, values, cells in ast.literal_eval(r.stdout):
        calls.setdefault((name, call), []).append((line, values, cells))
    return calls


def matched(mp_events, cp_events):
    """CPython events that MicroPython reproduces, same line and same values, in
    order (longest common subsequence); MicroPython's extra events are skipped."""
    key = lambda e: repr((e[0], sorted(e[1].items())))  # noqa: E731
    matcher = difflib.SequenceMatcher(None, [key(e) for e in mp_events], [key(e) for e in cp_events], autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def test_slot_values_unbound_and_cells_match_cpython(micropython):
    mp = record(micropython)
    cp = record(sys.executable)
    # A generator's last resume has a line event only on MicroPython (the
    # duplicate line at the yield it resumes from).
    assert set(cp) <= set(mp)
    assert {name for name, _ in set(mp) - set(cp)} <= {"gen_shape"}
    assert {name for name, _ in mp} == set(slot_shapes.SHAPES)

    per_function = {}
    for key in sorted(cp):
        good, total = per_function.get(key[0], (0, 0))
        per_function[key[0]] = (good + matched(mp[key], cp[key]), total + len(cp[key]))
    report = {name: f"{good}/{total}" for name, (good, total) in per_function.items()}
    # Loops shift a few events (test_settrace.py); a wrong slot would break most.
    for name, (good, total) in per_function.items():
        assert good >= 0.75 * total, report
    good = sum(g for g, _ in per_function.values())
    total = sum(t for _, t in per_function.values())
    assert good >= 0.9 * total, (good, total, report)

    # Cells are exactly the names the compiler puts in cells.
    for key, events in mp.items():
        for line, _, cells in events:
            assert cells == slot_shapes.SHAPES[key[0]][1], (key, line, cells)
