"""The paths our core patches change behave as CPython's (or as fixed
expectations where MicroPython's settrace differs), on the patched build and
on the stock core alike: settrace toggled many times, a raising tracer,
generators resumed under a tracer they started without, deep recursion,
exceptions unwinding through traced and untraced frames, lazily built f_back
chains, and a long run under GC pressure."""

import ast
import os
import sys

import pytest

from conftest import EXCEPTION_EVENT_MAY_RAISE, FRAME_REUSE, TRACER_MAY_RAISE, build_interpreter, named_values, run_script

SCRIPTS = os.path.join(os.path.dirname(__file__), "scripts")
SCRIPT = os.path.join(SCRIPTS, "patched_paths.py")


@pytest.fixture(scope="module")
def depth(micropython):
    """How deep the recursion cases go: 3/4 of what the target's C stack
    allows with a tracer installed, at most 150 (a 32-bit unix build stops
    near 140, the emulated board near 310)."""
    r = run_script(micropython, os.path.join(SCRIPTS, "recursion_limit.py"))
    assert r.returncode == 0, r.stderr
    return min(150, int(r.stdout) * 3 // 4)


def results(interpreter, *options, depth):
    r = run_script(interpreter, *options, SCRIPT, str(depth), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return named_values(r.stdout)


def test_patched_paths_match_cpython(micropython, depth):
    mp = results(micropython, depth=depth)
    cp = results(sys.executable, depth=depth)
    # Identical in both interpreters.
    for name in (
        "toggle_calls",
        "tracer_raises",
        "gen_values",
        "deep_untraced",
        "deep_traced",
        "unwind_caught",
        "f_back_chain",
        "pressure_growth_ok",
        "mpdbg_frames",
    ):
        assert mp[name] == cp[name], name
    assert mp["toggle_calls"] == 1000
    assert mp["f_back_chain"] == ["inner", "outer_started_untraced", "outermost"]
    assert mp["pressure_growth_ok"] is True


def test_tracing_goes_on_after_a_tracer_raised(micropython, features, depth):
    mp = results(micropython, depth=depth)["tracer_after_raise"]
    if features & TRACER_MAY_RAISE:
        assert mp == results(sys.executable, depth=depth)["tracer_after_raise"] == ["call"]
    else:
        assert mp == []  # stock MicroPython: tracing stays off for good


def test_a_tracer_raising_at_an_exception_event_leaves_the_frame_chain_intact(micropython, features):
    # The VM gives the `exception` event where nothing catches: without 0010
    # the frame was left without unlinking its code state, and the next walk
    # of the frames read a dead C stack (SIGSEGV at a RecursionError).
    if not features & EXCEPTION_EVENT_MAY_RAISE:
        pytest.skip("stock MicroPython: the agent's _mpdbg.guard stands in (test_stack_limit.py)")
    r = run_script(micropython, os.path.join(SCRIPTS, "exception_event_raise.py"))
    assert r.returncode == 0, r.stderr
    # As in CPython: the tracer's exception replaces the program's.
    caught, before, after = r.stdout.splitlines()
    assert caught == "ValueError from the tracer"
    # The chain is back to the frames that ran the program (one on the host,
    # the launcher's and the program's on the board), as many as it walks.
    depth, walked = after.split()[2:]
    assert after.split()[2:] == before.split()[2:] and depth == walked, (before, after)


def test_generator_resumed_under_a_tracer(micropython, depth):
    # A `call` at each resume and a `return` at each suspension, as in
    # CPython, also for a generator that started untraced. (MicroPython also
    # reports the `for` line again at a resume.)
    mp = results(micropython, depth=depth)["gen_events"]
    cp = results(sys.executable, depth=depth)["gen_events"]
    assert mp.count("call") == cp.count("call") == 4
    assert mp.count("return") == cp.count("return") == 4
    assert mp.count("line") >= cp.count("line")


def test_unwinding_reports_exceptions_in_traced_frames_only(micropython, depth):
    mp = results(micropython, depth=depth)["unwind_events"]
    cp = results(sys.executable, depth=depth)["unwind_events"]
    assert ("exception", "thrower") in mp and ("exception", "middle_traced") in mp
    assert ("call", "thrower") in mp
    assert set(mp) <= set(cp) | {("return", "middle_traced"), ("return", "thrower")}


def test_small_heap_long_run(micropython, depth):
    # The GC pressure case on a 64 KB heap, as on a small board.
    mp = results(micropython, "-X", "heapsize=64K", depth=depth)
    assert mp["pressure_growth_ok"] is True


def test_frames_no_python_code_saw_are_reused_and_no_other(micropython, features):
    # A traced call whose events are all routed in C leaves nothing on the
    # heap with patch 0008, its frame object serving the next call (one per
    # call on the stock core);
    # frames a tracer kept or reached through f_back stay intact while the
    # heap they sit in is reused.
    r = run_script(micropython, os.path.join(os.path.dirname(__file__), "scripts", "frame_reuse.py"))
    assert r.returncode == 0, r.stdout + r.stderr
    out = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    assert out["kept_intact"] == "True"
    assert out["f_back_intact"] == "True"
    grown = int(out["unseen_growth"])
    if features & FRAME_REUSE:
        assert grown <= 64, grown
    else:
        assert grown >= 1000 * 32, grown  # a frame (and more) per call


TRACE_CASES = ["simple", "exception", "generator", "for", "while", "selective", "for_list", "one_line_loops", "nested"]


@pytest.mark.parametrize("case", TRACE_CASES)
def test_trace_events_are_exactly_those_of_the_stock_core(micropython, case):
    # The patches change what tracing costs, never which events it raises
    # (including MicroPython's own quirks: a `for` header fires again at the
    # store of its target, a one-line loop body fires once per iteration).
    stock, _ = build_interpreter("stock")
    script = os.path.join(os.path.dirname(__file__), "scripts", "trace_events.py")
    got = run_script(micropython, script, case)
    want = run_script(stock, script, case)
    assert got.returncode == 0 and want.returncode == 0, got.stderr + want.stderr
    assert ast.literal_eval(got.stdout) == ast.literal_eval(want.stdout)
