# A tracer that raises at an `exception` event: its exception replaces the
# program's, the frame that gets it handles it, and the chain of running
# frames stays intact (core patch 0010): as many frames run after as before
# (a board's launcher runs the program one frame deeper than a process).
import sys

import _mpdbg


def tracer(frame, event, arg):
    if event == "exception" and frame.f_code.co_name == "inner":
        raise ValueError("from the tracer")
    return tracer


def inner():
    raise KeyError("from the program")


def outer():
    try:
        inner()
    except ValueError as e:
        return "ValueError " + str(e)
    except KeyError:
        return "KeyError"


before = (_mpdbg.depth(), len(_mpdbg.frames()))
sys.settrace(tracer)
caught = outer()
sys.settrace(None)
print(caught)
print("frames before", *before)
print("frames after", _mpdbg.depth(), len(_mpdbg.frames()))
