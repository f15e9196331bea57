# A tracer that raises once: afterwards, does tracing still work?
import sys

count = [0]


def bad(frame, event, arg):
    count[0] += 1
    if count[0] == 1:
        raise RuntimeError("tracer failed")
    return bad


def f():
    return 1


sys.settrace(bad)
try:
    f()
except RuntimeError:
    pass
before = count[0]
sys.settrace(bad)
f()
f()
sys.settrace(None)
print(count[0] - before)
