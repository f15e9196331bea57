"""Unit tests of bench/bench.py's pure parts (no MicroPython)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import callgrind  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def test_in_turn_alternates_the_measures_round_by_round():
    order = []

    def measure(name):
        def run():
            order.append(name)
            return "%s%d" % (name, order.count(name))

        return run

    results = bench.in_turn(3, [measure("a"), measure("b"), measure("c")])
    assert order == ["a", "b", "c"] * 3  # a slow spell falls on each in turn
    assert results == [["a1", "a2", "a3"], ["b1", "b2", "b3"], ["c1", "c2", "c3"]]


def test_the_settled_copy_sleeps_just_before_the_timed_part(tmp_path):
    for name in ("calls", "loops"):
        script = os.path.join(HERE, "workloads", name + ".py")
        with open(bench.settled(script, 10, str(tmp_path))) as f:
            copy = f.read()
        with open(script) as f:
            source = f.read()
        # The sleep, after the warm-up and before the heap measure and the
        # clock; nothing else changed.
        assert copy.index("# warm-up") < copy.index("time.sleep_ms(10)\n") < copy.index("start = gc.mem_alloc()")
        assert copy.replace("time.sleep_ms(10)\n", "") == source
        assert callgrind.timed_size(copy) == callgrind.timed_size(source)


def test_a_workload_without_the_timed_part_line_is_refused(tmp_path):
    script = tmp_path / "w.py"
    script.write_text("t0 = time.ticks_us()\nwork(5)\n")
    with pytest.raises(ValueError):
        bench.settled(str(script), 10, str(tmp_path / "out"))
