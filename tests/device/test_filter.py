"""_mpdbg.filter(): which trace events reach the agent, and breakpoint
conditions decided in C, on the patched build (event filter) and on the
stock one (the filter as a trace function) alike."""

import os

from conftest import run_script

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "api_filter.py")


def test_conditions_are_decided_in_c_as_python_decides_them(micropython):
    r = run_script(micropython, SCRIPT)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    verdicts = [line for line in lines if not line.startswith("stepping")]
    assert len(verdicts) == 25, r.stdout
    bad = [line for line in verdicts if not line.endswith(" ok")]
    assert not bad, "\n".join(bad)


def test_while_stepping_every_event_of_a_filtered_frame_reaches_the_agent(micropython):
    r = run_script(micropython, SCRIPT)
    assert r.returncode == 0, r.stderr
    stepping = [line for line in r.stdout.splitlines() if line.startswith("stepping")]
    # switch() sets the line tracer as the trace function: its own return,
    # then every line and the return of its caller go to the line tracer.
    assert stepping == [
        "stepping [('return', 'switch', -3), ('line', 'stepped', 2), ('line', 'stepped', 3), ('return', 'stepped', 3)]"
    ]
