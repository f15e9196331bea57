# Prints whether a generator's frame object is the same object across yields.
import sys

seen = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "gen":
        seen.append(id(frame))
    return tracer


def gen():
    yield 1
    yield 2


sys.settrace(tracer)
list(gen())
sys.settrace(None)
print(len(set(seen)) > 1)
