"""Core patch 0011: a breakpointed frame's line events gated between its
breakpoint lines. The gate changes what a frame costs, never which events
the agent's line tracer gets: loops with mostly-false conditions, `for`
headers (which fire twice per iteration), breakpoints replaced and a step
begun while the gated frame runs, a generator resumed after its breakpoints
changed, exceptions caught in a gated loop, one-line loops and calls, all
as on the stock core, which gates nothing. Core patch 0013's stop gates
(a code object's only breakpoint line, across FOR_ITER, its false conditions
decided with no event): `for` and nested loops, a condition true from
iteration k, a breakpoint on a `for` header, exceptions and generators in
gated code, breakpoints changed while gated, calls gated from their first
instruction; and `return` events, which a window no longer spans. Core
patch 0014's sleeping frames (untested past their stop up to a branch):
woken by a breakpoint change (sys.settrace) and by the debugger arming them
from a callee's event."""

import os

from conftest import GATE_STOP, GATE_WAKE, LINE_GATE, assert_same_cases, case_events, has_core_patches, marked_lines, stock_cases

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "gate_events.py")
LINE = marked_lines(SCRIPT)


stock_events = stock_cases(SCRIPT)


def test_the_patched_build_gates(micropython, features, request):
    assert bool(features & LINE_GATE) == has_core_patches(request)
    assert bool(features & GATE_STOP) == has_core_patches(request)
    assert bool(features & GATE_WAKE) == has_core_patches(request)


def test_gated_frames_give_the_line_tracer_the_events_of_the_stock_core(micropython, stock_events):
    assert_same_cases(case_events(micropython, SCRIPT), stock_events)


def test_the_cases_see_what_they_test(stock_events):
    # The expectations themselves: each case's breakpoint lines are hit as
    # its conditions say (a test of the script, on the stock core).
    lines = {case: [e[1] for e in seen if isinstance(e, tuple) and e[0] == "line"] for case, seen in stock_events.items()}
    held = {case: sum(1 for e in seen if isinstance(e, tuple) and e[3] is True) for case, seen in stock_events.items()}
    assert held["case_loop"] == 2  # i == 3, i == 7
    assert len(lines["case_loop"]) == 2
    assert held["case_for"] == 1 + 2  # the body at x == 2, the header at s == 3 (twice: MicroPython fires it again at the store)
    assert len(lines["case_replaced"]) == 3  # the new breakpoint, from i == 3 on
    assert len(lines["case_step"]) == 6  # every line of stepped() and change() once the step began
    assert stock_events["case_generator"][-1] == [0, 1, 2, 3, 4, 5]
    assert held["case_exception"] == 1
    assert held["case_calls"] == 2
    # Core patch 0013's stop gates.
    assert held["case_stop_for"] == 1
    assert held["case_stop_nested"] == 4  # j == i, once per outer iteration
    assert held["case_stop_while_true_at_k"] == 3  # i == 6, 7, 8
    assert held["case_stop_for_head"] == 2  # s == 6: the header twice
    assert held["case_stop_exception"] == 1
    assert held["case_stop_generator"] == 1 and stock_events["case_stop_generator"][-1] == [1, 2, 3, 4, 5]
    assert lines["case_stop_changed"] == [LINE["swap.after"], LINE["swap.call"], LINE["swap.after"], LINE["swap.call"], LINE["swap.after"]]
    assert held["case_stop_calls"] == 2
    # Armed past its stop: the events of its line and the next.
    assert lines["case_stop_armed"][:2] == [LINE["armed.arm"], LINE["armed.after"]]
    returns = [e for e in stock_events["case_return_events"] if e[0] == "return"]
    assert len(returns) == 5  # returns() twice, yields() at two yields and its return
