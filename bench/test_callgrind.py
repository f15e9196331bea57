"""Unit tests of the benchmarks' callgrind helper (pure parts; no valgrind)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind  # noqa: E402

WORKLOAD = """import time
work(1000)  # warm-up
t0 = time.ticks_us()
work(150000)
t1 = time.ticks_us()
"""


def test_marginal_is_the_cost_per_unit_without_start_up():
    # 5000 instructions of start-up, 30 per unit: the start-up goes.
    assert callgrind.marginal({100: 5000 + 3000, 300: 5000 + 9000}) == 30
    assert callgrind.marginal({300: 14000, 100: 8000}) == 30  # any order


def test_marginal_needs_two_different_sizes():
    with pytest.raises(ValueError):
        callgrind.marginal({100: 1})
    with pytest.raises(ValueError):
        callgrind.marginal({100: 1, 200: 2, 300: 3})


def test_resize_changes_only_the_timed_call():
    out = callgrind.resize(WORKLOAD, 7500)
    assert "work(1000)  # warm-up" in out
    assert "t0 = time.ticks_us()\nwork(7500)\n" in out
    assert callgrind.timed_size(out) == 7500
    assert callgrind.timed_size(WORKLOAD) == 150000


def test_resize_refuses_a_workload_without_a_timed_call():
    with pytest.raises(ValueError):
        callgrind.resize("work(10)\n", 5)


def test_every_workload_has_a_timed_call():
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads")
    for name in ("calls", "loops", "alloc", "pystone"):
        small, big = callgrind.sizes_for(os.path.join(folder, name + ".py"), 20)
        assert 0 < small and big == 2 * small


def test_refs_reads_callgrind_summary():
    assert callgrind.refs("==1== Events    : Ir\n==1== Collected : 12\n==1==\n==1== I   refs:      1,234,567\n") == 1234567
    with pytest.raises(ValueError):
        callgrind.refs("valgrind: command not found")


def test_profile_summary_reads_command_and_total():
    profile = ["version: 1\n", "cmd: /x/micropython /a/mpdbg.py /t/loops_50000.py\n", "events: Ir\n", "fl=(1)\n", "summary: 4242\n", "totals: 4242\n"]
    assert callgrind.profile_summary(profile) == ("/x/micropython /a/mpdbg.py /t/loops_50000.py", 4242)
    with pytest.raises(ValueError):
        callgrind.profile_summary(["cmd: x\n"])


def test_wrapper_takes_the_profile_of_the_run_that_names_the_program():
    w = callgrind.Wrapper("/opt/micropython")
    try:
        with open(w.path) as f:
            script = f.read()
        assert "valgrind --tool=callgrind" in script and '/opt/micropython "$@"' in script
        assert os.access(w.path, os.X_OK)
        for pid, cmd, total in ((11, "/opt/micropython -c probe", 5), (12, "/opt/micropython mpdbg.py /t/calls_7500.py", 99)):
            with open(os.path.join(w.folder, "out.%d" % pid), "w") as f:
                f.write("cmd: %s\nsummary: %d\n" % (cmd, total))
        assert w.take("/t/calls_7500.py") == 99
        with pytest.raises(RuntimeError):
            w.take("/t/calls_7500.py")  # taken: each profile once
    finally:
        w.close()
    assert not os.path.exists(w.folder)


def test_wrapper_tries_a_slow_start_again_and_counts_the_run_that_started():
    w = callgrind.Wrapper("/opt/micropython")
    tries = []

    def session():
        # A failed start leaves a profile of its own, which must not count.
        with open(os.path.join(w.folder, "out.%d" % (20 + len(tries))), "w") as f:
            f.write("cmd: /opt/micropython mpdbg.py /t/p.py\nsummary: %d\n" % (len(tries) + 1))
        tries.append(1)
        if len(tries) < 2:
            raise RuntimeError("launch failed: the debug agent did not start within 20 s")

    try:
        assert w.count(session, "/t/p.py") == 2
        with pytest.raises(RuntimeError, match="refused"):
            w.count(lambda: (_ for _ in ()).throw(RuntimeError("launch refused")), "/t/p.py")
    finally:
        w.close()
