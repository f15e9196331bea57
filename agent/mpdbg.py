# mpdbg agent: the device side of the mpdbg debugger, resident part.
#
# Runs a program under sys.settrace and talks to the host over the REPL's byte
# stream (docs/protocol.md). It sends raw facts; the host names and formats.
# Rules: the tracer never lets an exception escape (that would switch tracing
# off for the whole process), frames that cannot stop get no tracer, nothing
# blocks while the program runs, and the program runs on if the host goes away.
#
# Only what runs while the program runs lives here. Everything used while it
# is stopped (requests, breakpoints, inspection) is in mpdbg_stop.py, imported
# at a stop and dropped from sys.modules when the program continues, so that
# it takes no heap while the program runs.
#
#   micropython mpdbg.py PROGRAM [ARGS...]     (the host starts it like this)
import sys

import _mpdbg
from micropython import const

_FILE = __file__
# The agent's folder, with its slash: mpdbg_stop lives beside this file, and
# nothing of the program may be in it.
_DIR = _FILE[: _FILE.rfind("/") + 1]
_UNBOUND = _mpdbg.UNBOUND
_out = sys.stdout.buffer

# Run state, read by the tracers and set by mpdbg_stop.
# Modes (const: inlined by the compiler, no globals).
_RUN = const(0)
_STEP_IN = const(1)
_STEP_OVER = const(2)
_STEP_OUT = const(3)
_PAUSE = const(4)
_mode = _RUN
_step_depth = 0
_bps = {}  # file -> {line: [condition code or None, slot names, fast, text]}
_calls = {}  # file -> {call line of a code object with a breakpoint: 1}; 0 = any
_exc_raised = False
_exc_uncaught = True
_exc_depth = 0  # depth of the last exception stop, until the next line; -1: deferred
_kept = None  # without core patch 0009: [exception, frames it left...]
_attached = False  # a host drives the program (set by run() and by an attach)
_link = sys.stdin  # the host's stream: the REPL's stdin, or an attached client's socket
_server = None  # the socket that listen() waits on for a client
_input = []  # bytes the host sent for the program's stdin, not yet read
_stopped_at = None  # (frame, line) of the last stop, until another line runs


def _send(kind, *fields):
    _out.write(_mpdbg.pack(kind, fields))


def _load(name):
    # One of the agent's modules, from the agent's folder only: a user's
    # mpdbg_stop.py beside the program (first on sys.path) must not replace it.
    m = sys.modules.get(name)
    if m is None or getattr(m, "__file__", "")[: len(_DIR)] != _DIR:
        sys.modules.pop(name, None)
        path = sys.path[:]
        sys.path[:] = [_DIR[:-1] or "."]
        try:
            m = __import__(name)
        finally:
            sys.path[:] = path
    if name == "mpdbg_stop":
        m.use(_link)  # where it reads the host
    return m


def _stop(frame, reason, text=""):
    global _stopped_at
    # A stop needs far less stack than _scrub(24) takes: at the stack limit
    # it fails here, before anything changed (the tracer's guard tells the
    # host), not in the middle of serving the host.
    _scrub(24)
    _stopped_at = (frame, frame.f_lineno) if frame is not None else None
    _load("mpdbg_stop").serve(globals(), frame, reason, text)
    _scrub(24)


def _fill():
    # The program reads stdin, which is the host's link: its bytes come in
    # the host's input messages. Serve the host until some arrive.
    while not _input:
        if not _attached:
            return b""
        # The agent's own calls are never traced, and it reads the link
        # itself now: no wake may run (and unload mpdbg_stop) meanwhile.
        sys.settrace(None)
        _mpdbg.watch(None)
        _load("mpdbg_stop").wait_input(globals())
    _resume()
    return _input.pop(0)


def _resume():
    # No tracer at all when nothing can stop; when only breakpoints can, a C
    # filter keeps every call into code without one away from Python. The
    # host is heard through _mpdbg.watch(), without any tracer.
    if _attached and (_mode in (_STEP_IN, _PAUSE) or _exc_raised):
        sys.settrace(_on_call)
    elif _attached and (_bps or _mode):
        # Stepping over or out: generators resumed by their consumers must
        # report their lines too (a resume starts untraced).
        sys.settrace(_mpdbg.filter(_calls, _on_call, _bps, _on_line, _mode > _STEP_IN))
    else:
        sys.settrace(None)
    if _attached:
        _mpdbg.watch(_link, _on_wake, 20)
    elif _server is not None:
        _mpdbg.watch(_server, _on_wake, 50)


def _traced(frame, line):
    # Does this frame need line events for a breakpoint? `line` is its code
    # object's line of definition; 0 in the set means the host has no source model for the
    # file: then every code object in it is traced.
    calls = _calls.get(frame.f_code.co_filename)
    return calls is not None and (line in calls or 0 in calls)


# The tracers are given to the VM through _mpdbg.guard() (see the end):
# nothing they raise reaches the program, even where the call of a tracer
# itself fails (the stack limit), and a resumed generator's repeated `yield`
# line is dropped in C.
def _on_call(frame, event, arg):
    try:
        if _mode == _STEP_IN or _mode == _PAUSE or _exc_raised:
            # Everything may stop, except the agent's own code.
            return None if frame.f_code.co_filename == _FILE else _on_line
        if _traced(frame, _mpdbg.def_line(frame)):
            return _on_line
    except BaseException as e:
        _internal(e)
    return None


def _on_line(frame, event, arg):
    global _mode, _exc_depth, _stopped_at
    try:
        if event == "line":
            _exc_depth = 0
            _stopped_at = None
            mode = _mode
            if mode:
                if mode == _STEP_IN:
                    _stop(frame, "step")
                    return _on_line
                if mode == _PAUSE:
                    _mode = _STEP_IN
                    _stop(frame, "pause")
                    return _on_line
                depth = _mpdbg.depth()
                if depth < _step_depth or (mode == _STEP_OVER and depth == _step_depth):
                    _stop(frame, "step")
                    return _on_line
            lines = _bps.get(frame.f_code.co_filename)
            if lines is not None:
                bp = lines.get(frame.f_lineno)
                # arg is True when _mpdbg.filter() found the condition true.
                if bp is not None and (bp[0] is None or arg is True or _condition(frame, bp)):
                    _stop(frame, "breakpoint")
        elif event == "return":
            if _mode:
                # Stepping (mpdbg_stop stays loaded while the agent steps).
                _load("mpdbg_stop").returning(globals(), frame)
        elif event == "exception" and _kept is not None and _exc_uncaught and not _exc_raised:
            # Firmware without core patch 0009: a traced frame an exception
            # passes keeps its slots, for an uncaught stop.
            _load("mpdbg_stop").keep(globals(), frame)
        elif event == "exception" and _exc_raised:
            # The same exception reports again in each frame it unwinds; stop
            # once, where it was raised.
            depth = _mpdbg.depth()
            if not _exc_depth or depth >= _exc_depth:
                # The exception itself, before the agent's own code handles
                # any or ends a `try` (sys.exc_info needs
                # MICROPY_PY_SYS_EXC_INFO; a `try` clears it).
                info = getattr(sys, "exc_info", None)
                info = info()[1] if info else None
                try:
                    _scrub(26)  # room for _stop() and its own probe, one call down
                except RuntimeError as e:
                    # No room for a stop here (RecursionError): it is made
                    # in the first frame the exception unwinds to that has.
                    if _exc_depth >= 0:
                        _internal(e)
                    _exc_depth = -1
                    return _on_line
                _exc_depth = depth
                _stop(frame, "exception", info)
            _exc_depth = depth
    except SystemExit:
        raise
    except BaseException as e:
        _internal(e)
    return _on_line


def _condition(frame, bp):
    # A breakpoint's condition, with the frame's locals by the host's names.
    # bp: [code, slot names, fast, text]. The first run also makes `fast`, a
    # lambda of the slots by name that _mpdbg.filter() runs in C from then on.
    if bp[2] is None:
        bp[2] = False
        try:
            bp[2] = eval("lambda %s:(%s)" % (",".join(bp[1]), bp[3]), frame.f_globals)
        except BaseException:
            pass
    try:
        d = {}
        for n, v in zip(bp[1], _mpdbg.slots(frame) if bp[1] else ()):
            if v is not _UNBOUND:
                d[n] = v
        _mpdbg.deadline(1000)  # a condition that never ends stops instead,
        return bool(eval(bp[0], frame.f_globals, d))
    except KeyboardInterrupt:
        bp[2] = False  # and is never run again from C, where nothing bounds it
        return True
    except BaseException:
        return True  # a failing condition stops, as in CPython debuggers
    finally:
        _mpdbg.deadline(0)


def _on_wake(frame, event, arg):
    # Armed by _mpdbg.watch() when the host sent something while we ran, or
    # when a client connects to listen()'s socket.
    try:
        if _attached:
            _load("mpdbg_stop").wake(globals(), frame, event, arg)
        else:
            _load("mpdbg_attach").accept(globals(), frame)
    except SystemExit:
        raise
    except BaseException as e:
        _internal(e)


def _internal(e):
    # An error of the agent's own: tell the host, never the program.
    # The host explains a RecursionError or MemoryError (the event skipped).
    _out.write(_mpdbg.pack(b"M", ("agent error " + repr(e),)))


def _begin(path, args, source):
    # A frame of its own: the GC scans dead value-stack slots of running
    # frames, and run() runs for ever; a reference left there would keep
    # mpdbg_stop alive while the program runs.
    return _load("mpdbg_stop").start(globals(), path, args, source)


def _scrub(n):
    # The GC scans the C stack conservatively: pointers that the stop-time
    # code's calls left there would keep it alive once deeper calls reuse the
    # area. Python frames overwrite most of it, _mpdbg.scrub() the rest below.
    return _scrub(n - 1) if n else _mpdbg.scrub()


def __getattr__(name):
    # mpdbg.listen(), wait_for_client(), breakpoint(), is_client_connected(),
    # disconnect(): the API of a program that waits for a debugger lives in
    # mpdbg_attach, loaded on use, so that it takes no heap otherwise.
    return _load("mpdbg_attach").api(globals(), name)


def run(path, args=(), source=None):
    """Runs the program at `path` (or `source`, named `path`) as __main__
    under the debugger."""
    global _attached
    _attached = True
    code, g = _begin(path, args, source)
    _scrub(24)
    status = 0
    _mpdbg.stdin(_fill)
    try:
        exec(code, g)
        _send(b"D", "exit", 0, "")
    except SystemExit as e:
        status = e.args[0] if e.args and isinstance(e.args[0], int) else 0
        _send(b"D", "exit", status, "")
    except BaseException as e:
        status = 1
        _mpdbg.stdin(None)
        _load("mpdbg_stop").uncaught(globals(), e)
    sys.settrace(None)
    _mpdbg.watch(None)
    _mpdbg.stdin(None)
    import micropython

    micropython.kbd_intr(3)
    return status


# Each tracer in its guard, under its own name (no more globals).
_on_call = _mpdbg.guard(_on_call, _internal)
_on_line = _mpdbg.guard(_on_line, _internal)
_on_wake = _mpdbg.guard(_on_wake, _internal)

if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: micropython mpdbg.py PROGRAM [ARGS...]")
        sys.exit(2)
    sys.exit(run(sys.argv[1], sys.argv[2:]))
