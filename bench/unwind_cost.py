# The cost of core patch 0009 with the agent's hook on: a raise caught one
# frame up, 100,000 times (5 runs of 20,000), with _mpdbg.keep_unwound off
# and on. Run under callgrind for instruction counts (figures in
# docs/core-patches.md):
#   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
#       "$(mpdbg micropython build | tail -1)" bench/unwind_cost.py on|off
import sys
import time

import _mpdbg


def f(i):
    a = i + 1
    b = [a]
    raise ValueError(b)


def run(n):
    t = time.ticks_us()
    for i in range(n):
        try:
            f(i)
        except ValueError:
            pass
    return time.ticks_diff(time.ticks_us(), t)


_mpdbg.keep_unwound(sys.argv[1] == "on")
print(sys.argv[1], min(run(20000) for _ in range(5)) / 20000, "us per caught exception")
