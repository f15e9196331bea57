"""Breakpoints in generators stop once per pass, as in CPython (issue 11,
item 9): MicroPython's resume gives a `call` at the yield line and then a
duplicate `line` event for it, which _mpdbg (guard.c, filter.c) drops. On
every flavour, through the C filter (breakpoints only) and through the
Python tracer (the `raised` filter traces every frame)."""

import textwrap

import pytest

from agentlink import AgentLink

PROGRAM = textwrap.dedent(
    """\
    def gen(n):
        yield n
        n += 1
        yield n
        yield from sub()


    def sub():
        yield -1
        yield -2


    for k in (0, 10):
        print(list(gen(k)))
    """
)
# (No loop in the generators: a `while` loop's extra event on its last line
# is row D2 of crates/mpdbg-source/DIFFERENCES.md, not a resume.)
YIELD, AFTER, DELEGATE, SUB_YIELD = 2, 3, 5, 9


def stops_at(micropython, path, line, call_line, filters):
    with AgentLink(micropython, path) as link:
        link.until(b"S")
        link.send(b"B", 1, path, line, "", "", call_line)
        link.until(b"R")
        link.send(b"X", 2, filters)
        link.until(b"R")
        link.send(b"C", 3)
        stops, _, _ = link.continue_to_end()
        assert b"[0, 1, -1, -2]\n[10, 11, -1, -2]" in link.output
    return [s[0] for s in stops]


@pytest.mark.parametrize("filters", ["", "r"], ids=["filter", "traced"])
@pytest.mark.parametrize(
    "line, call_line, passes",
    [(YIELD, 1, 2), (AFTER, 1, 2), (DELEGATE, 1, 2), (SUB_YIELD, 8, 2)],
    ids=["yield", "after_yield", "yield_from", "delegate_yield"],
)
def test_a_breakpoint_in_a_generator_stops_once_per_pass(micropython, tmp_path, line, call_line, passes, filters):
    path = tmp_path / "gen.py"
    path.write_text(PROGRAM)
    assert stops_at(micropython, str(path), line, call_line, filters) == [b"breakpoint"] * passes
