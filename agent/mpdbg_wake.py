# mpdbg agent, attach over the REPL link: a program that was started without
# the debugger (main.py at boot, `mpremote run`) is attached without a reset
# or a restart. The host sent the wake sequence on the REPL link; the
# firmware kept it from the program (_mpdbg, wake.c), armed the program's
# innermost frame and, from that frame's trace callback, imports this module
# from the agent's folder and calls attach(). Loaded only then, and dropped
# at once, so it takes no heap otherwise.
import sys

import _mpdbg
import micropython
import mpdbg


def attach(frame, event):
    sys.modules.pop("mpdbg_wake", None)
    c = mpdbg.__dict__
    if c["_attached"] or _mpdbg.stdin() is not None:
        # Someone debugs this program already (over TCP, or on this link):
        # the newcomer is told, the session goes on undisturbed.
        sys.stdout.buffer.write(_mpdbg.pack(b"M", ("attach refused: a debugger is attached to this program already",)))
        return
    c["_attached"] = True
    # The link carries the host's frames now: Ctrl-C bytes are data, and the
    # program's stdin comes from the host's input messages.
    micropython.kbd_intr(-1)
    _mpdbg.stdin(c["_fill"])
    c["_load"]("mpdbg_stop").attached(c)
