"""Core patch 0012: codes whose calls _mpdbg's call filter answers alike are
marked in the VM until sys.settrace or new bytecode drops the marks: a call
of a code marked untraced runs with no call at all, one of a code marked
traced skips the filter. The marks change what a call costs, never which
events reach the agent: a breakpoint set in marked code mid-run and one
removed, a step or a pause begun while it runs, the trace function replaced
and set again, a step over, generators, closures, bound methods, a code
shared by several function objects, more codes than the VM's table holds and
new code in the place of freed marked code, all as on the stock core, which
marks nothing."""

import os

from conftest import CALL_MARKS, assert_same_cases, case_events, has_core_patches, stock_cases

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "call_marks.py")


stock_events = stock_cases(SCRIPT)


def test_the_patched_build_marks_calls(micropython, features, request):
    assert bool(features & CALL_MARKS) == has_core_patches(request)


def test_marked_codes_give_the_agent_the_events_of_the_stock_core(micropython, stock_events):
    assert_same_cases(case_events(micropython, SCRIPT), stock_events)


def lines(seen, name):
    return [e[1] for e in seen if isinstance(e, tuple) and e[2] == name]


def test_the_cases_see_what_they_test(stock_events):
    # The expectations themselves, on the stock core: each case stops where
    # its breakpoints and trace functions say.
    got = stock_events
    assert len(lines(got["case_breakpoint_mid_run"], "target")) == 20  # i == 20 to 39
    assert len(lines(got["case_breakpoint_removed"], "target")) == 5  # before the removal only
    # Both resumes after the step over began: their lines and their return.
    assert [e[0] for e in got["case_step_over_resumes"][:-1]] == ["line", "line", "line", "return"] * 2
    assert got["case_step_over_resumes"][-1] == [0, 1, 2, 3]
    assert [e[0] for e in got["case_step_in"]] == ["call", "line", "return"] * 3  # i == 9 to 11
    # The pause at i == 7 (inside pausing), then every call of i == 8 and 9.
    assert [e[2] for e in got["case_pause"] if e[0] == "call"] == ["target", "pausing", "target", "pausing", "target"]
    assert [e[0] for e in got["case_settrace_replaced"]] == ["line", "call", "line", "return"]  # target(100), target(300)
    assert len(lines(got["case_generator"], "gen")) == 4  # the resumes after the breakpoint, k == 4 to 7
    assert got["case_generator"][-1] == [0, 1, 2, 3, 0, 1, 2, 4, 5, 6, 7]
    assert len(lines(got["case_closure"], "add")) == 2
    assert len(lines(got["case_bound_method"], "bump")) == 2
    assert len(lines(got["case_shared_code"], "f")) == 3
    assert len(lines(got["case_many_codes"], "m40")) == 3
    assert len(lines(got["case_new_code"], "dyn")) == 2
