"""Core patch 0015: a code that _mpdbg's call filter marked traced, whose
every fresh call its event filter answers alike (the filter as the frame's
local trace function, a stop gate at the breakpoint's first instruction),
is marked entered gated, and the core then makes such a call's frame with
no `call` event. That changes what a call costs, never what the agent
sees: at each hit the frame's line, slots and the stack above it, for a
condition true from some call on, a breakpoint on a function's second
line, recursion, breakpoints replaced mid-run,
a step in from a hit, exceptions, a generator's first entry and resumes, a
pause, the trace function replaced and set again, and conditions on ints
beyond the small ones, all as on the stock core, which marks nothing."""

import os

from conftest import CALL_GATED, assert_same_cases, case_events, has_core_patches, marked_lines, stock_cases

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "call_gated.py")
LINE = marked_lines(SCRIPT)


stock_events = stock_cases(SCRIPT)


def test_the_patched_build_enters_calls_gated(micropython, features, request):
    assert bool(features & CALL_GATED) == has_core_patches(request)


def test_calls_entered_gated_give_the_agent_the_events_of_the_stock_core(micropython, stock_events):
    assert_same_cases(case_events(micropython, SCRIPT), stock_events)


def hits(events, name):
    return [e for e in events if isinstance(e, tuple) and e[0] == "line" and e[2] == name]


def test_the_cases_see_what_they_test(stock_events):
    # The expectations themselves, on the stock core: each case stops where
    # its conditions say, with the frame and stack it stops in.
    got = stock_events
    true_from_k = hits(got["case_true_from_k"], "add")
    assert [e[4][1] for e in true_from_k] == [7, 8, 9]  # slot b
    assert all(e[5] == [("adding", LINE["adding.call"]), ("case_true_from_k", LINE["true.call"])] for e in true_from_k)
    assert [e[4] for e in hits(got["case_second_line"], "scaled")] == [(4,)]
    recursion = hits(got["case_recursion"], "fact")
    assert [e[4][0] for e in recursion] == [2, 2]
    assert [name for name, _ in recursion[0][5]] == ["fact", "fact", "fact", "case_recursion"]
    assert [e[4][:2] for e in hits(got["case_replaced_mid_run"], "add")] == [(6, 6), (7, 7)]
    # The hit at b == 3, then every event of the step: add's return, the
    # loop's calls of add after it.
    step = got["case_step_in"]
    assert step[0][:3] == ("line", LINE["add.body"], "add") and step[0][4][1] == 3
    assert [e[0] for e in step[1:4]] == ["return", "line", "line"]
    assert len([e for e in step if e[0] == "call" and e[2] == "add"]) == 2  # b == 4, 5
    assert [e[4][1] for e in hits(got["case_exceptions"], "div")] == [2, 2]
    assert [e[4][0] for e in hits(got["case_generator"], "gen")] == [3]
    assert got["case_generator"][-1] == [0, 1, 1, 1, 2, 1, 3, 1, 4, 1]
    # The pause at i == 5: every call of add from then on.
    assert [e[0] for e in got["case_pause"] if e[2] == "add"] == ["call", "line", "return"] * 2
    assert [e[4][1] for e in hits(got["case_settrace_again"], "add")] == [2, 2, 1]
    big = hits(got["case_big_int"], "add")
    assert [e[4] for e in big] == [(-(1 << 71) + (1 << 70) + 3, 4), (-(1 << 71) + (1 << 70) + 7, 5), (1 << 70, 1 << 69), (7, -(1 << 80))]
