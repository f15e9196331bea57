"""A program that recurses to MicroPython's stack limit and catches the
RecursionError, under the agent with every exception filter (issue 11, item
2): no crash on any flavour, the program's own handler runs and it finishes,
and the agent stops once or, where no stack is left for a stop, says so on
the console. The limit is measured on the target, then approached from
below and passed."""

import os

import pytest

from agentlink import AgentLink

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "deep_recursion.py")
KINDS = ["plain", "generator", "closure", "genexpr"]
FILTERS = {"none": "", "uncaught": "u", "raised": "r", "raised+uncaught": "ru"}


def run(micropython, kind, n, filters):
    """Runs the script under the agent; returns (stdout lines, stops, agent messages)."""
    with AgentLink(micropython, SCRIPT, kind, str(n)) as link:
        link.until(b"S")
        link.send(b"X", 1, filters)
        link.until(b"R")
        link.send(b"C", 2)
        stops, messages, end = link.continue_to_end()
        assert end[:2] == [b"exit", b"0"], (end, messages, link.output)
        link.proc.stdin.close()
        assert link.proc.wait(timeout=60) == 0, link.proc.stderr.read()
        return link.output.decode().splitlines(), stops, messages


def check(lines, stops, messages, filters):
    assert lines[-1] == "done", lines
    assert lines[0].startswith(("returned", "caught maximum recursion depth")), lines
    if "r" in filters:
        # Where the tracer has no stack or heap left (3,000 generators
        # fill the heap), it skips the event and says so (the host explains).
        assert all("maximum recursion depth" in m or "MemoryError" in m for m in messages), messages
        if lines[0].startswith("caught"):
            # One stop, or none and then the console said why.
            assert len(stops) == 1 or (not stops and messages), (stops, messages)
            assert all(s[0] == b"exception" for s in stops), stops
        else:
            assert stops == [], stops
    else:
        assert stops == [], stops
        assert messages == [], messages


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", FILTERS)
def test_recursion_to_the_stack_limit_is_survived(micropython, kind, name):
    filters = FILTERS[name]
    lines, stops, messages = run(micropython, kind, -1, filters)
    check(lines, stops, messages, filters)
    assert lines[0].startswith("caught"), lines
    limit = int(lines[1].split()[1])  # levels reached under the debugger
    assert limit > 100, lines
    # At the limit and around it: below it the recursion returns, at and past
    # it the program catches (each level counts itself once; n + 1 levels).
    for n in (limit - 2, limit - 1, limit, limit + 1):
        lines, stops, messages = run(micropython, kind, n, filters)
        check(lines, stops, messages, filters)
