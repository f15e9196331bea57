# watch(): a loop that makes no calls at all is reached when input arrives on
# the watched stream. The parent writes one byte to our stdin once it reads
# "ready"; the loop then stops by itself from the armed line tracer.
import sys

import _mpdbg

state = {"stop": False, "line": None}


def on_line(frame, event, arg):
    if event == "line" and not state["stop"]:
        state["stop"] = True
        state["line"] = frame.f_lineno - frame.f_code.co_firstlineno
        state["byte"] = sys.stdin.buffer.read(1)
    return on_line


def spin():
    n = 0
    while not state["stop"]:
        n += 1
    return n


sys.settrace(lambda f, e, a: None)  # settrace active, nothing traced
print("watch", _mpdbg.watch(sys.stdin, on_line, 5))
print("ready")
spin()
sys.settrace(None)
print("stopped at", state["line"], state["byte"])
