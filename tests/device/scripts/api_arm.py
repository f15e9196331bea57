# Arming a running frame makes line events appear in a loop that had none:
# the loop's frame returned no tracer at its call event; a call inside the
# loop (standing in for the debugger's poll) arms it. During a `call` event
# the callee is not yet on the live chain, so frames()[0] is the caller.
import sys

import _mpdbg

lines = []
armed = [False]


def line_tracer(frame, event, arg):
    if event == "line":
        lines.append(frame.f_lineno)
    return line_tracer


def call_tracer(frame, event, arg):
    if frame.f_code.co_name == "poll" and not armed[0]:
        caller = _mpdbg.frames()[0]
        assert caller.f_code.co_name == "busy"
        _mpdbg.arm(caller, line_tracer)
        armed[0] = True
    return None  # no frame is traced from its call event


def poll(i):
    return i == 3


def busy():
    n = 0
    for i in range(3):  # LOOP
        n += i  # BODY1
        poll(i)  # BODY2
    return n  # END


sys.settrace(call_tracer)
result = busy()
sys.settrace(None)
print(result, lines)
