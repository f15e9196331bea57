# mpdbg agent: the device side of the mpdbg debugger.
#
# Runs a program under sys.settrace and talks to the host over the REPL's byte
# stream (docs/protocol.md). It sends raw facts; the host names and formats.
# Rules: the tracer never lets an exception escape (that would switch tracing
# off for the whole process), frames that cannot stop get no tracer, nothing
# blocks while the program runs, and the program runs on if the host goes away.
#
#   micropython mpdbg.py PROGRAM [ARGS...]     (the host starts it like this)
import sys

import _mpdbg
import micropython
import select

PROTOCOL = "1"
VERSION = "0.1.0"
_MAGIC = b"\xfe\xfd"
_UNBOUND = _mpdbg.UNBOUND
_FILE = __file__

# The inspection module lives beside this file.
_slash = _FILE.rfind("/")
if _slash > 0 and _FILE[:_slash] not in sys.path:
    sys.path.append(_FILE[:_slash])

_in = sys.stdin.buffer
_out = sys.stdout.buffer
_poll = select.poll()
_poll.register(sys.stdin, select.POLLIN)

# Run state, read by the tracers.
_RUN, _STEP_IN, _STEP_OVER, _STEP_OUT, _PAUSE = 0, 1, 2, 3, 4
_mode = _RUN
_step_depth = 0
_bps = {}  # file -> {line: (condition code or None, slot names)}
_calls = {}  # file -> {call line of a code object with a breakpoint: 1}; 0 = any
_has_bp = {}  # file -> {call line: {code name: bool}}, when the host sent 0
_exc_raised = False
_exc_uncaught = True
_exc_depth = [0]  # depth of the last exception stop, until the next line
_attached = True

# Per-stop state.
_frames = []
_inspect = None  # the inspection module, loaded only while stopped


# ---------------------------------------------------------------- framing


def _field(b):
    if not isinstance(b, (bytes, bytearray)):
        b = str(b).encode()
    return b"%d:%s" % (len(b), b)


def _send(kind, *fields):
    payload = kind + b"".join(_field(f) for f in fields)
    n = len(payload)
    if n > 65535:  # keep the frame valid; the host sees a cut reply
        payload = payload[:65535]
        n = 65535
    lo, hi = n & 255, n >> 8
    check = (sum(payload) + n) & 0xFFFF
    _out.write(_MAGIC + bytes((lo, hi, (lo + hi + 0x5A) & 255)) + payload + bytes((check & 255, check >> 8)))


def _readable(timeout):
    # False when the host closed the link (hang-up without data).
    for _, ev in _poll.poll(timeout):
        if ev & select.POLLIN:
            return True
        if ev & (select.POLLHUP | select.POLLERR):
            raise EOFError
    return False


def _read_exact(n):
    data = b""
    while len(data) < n:
        _readable(-1)
        chunk = _in.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _recv():
    # One frame from the host; bytes before a valid frame are skipped.
    while True:
        if _read_exact(1) != b"\xfe" or _read_exact(1) != b"\xfd":
            continue
        head = _read_exact(3)
        if (head[0] + head[1] + 0x5A) & 255 != head[2]:
            continue
        n = head[0] | head[1] << 8
        payload = _read_exact(n)
        tail = _read_exact(2)
        if (sum(payload) + n) & 0xFFFF == tail[0] | tail[1] << 8:
            return payload


def _parse(payload):
    fields = []
    i = 1
    while i < len(payload):
        colon = payload.index(b":", i)
        n = int(payload[i:colon])
        fields.append(payload[colon + 1 : colon + 1 + n])
        i = colon + 1 + n
    return payload[:1], fields


# ---------------------------------------------------------------- helpers


def _user_frames():
    return [f for f in _mpdbg.frames() if f.f_code.co_filename != _FILE]


def _split_names(b):
    return [n.decode() for n in b.split(b",")] if b else []


def _locals_dict(frame, names):
    # The frame's locals by the host's names, for conditions and evaluation.
    d = {}
    if names:
        slots = _mpdbg.slots(frame)
        for i in range(min(len(names), len(slots))):
            if slots[i] is not _UNBOUND:
                d[names[i]] = slots[i]
    return d


class _Core:
    # What the inspection module uses from here.
    send = staticmethod(_send)
    split_names = staticmethod(_split_names)
    locals_dict = staticmethod(_locals_dict)


_CORE = _Core


# ---------------------------------------------------------------- stopping


def _stop(frame, reason, text=""):
    global _frames, _mode
    _mpdbg.watch(None)
    _frames = _user_frames() if frame is not None else []
    _send(b"S", reason, len(_frames), text)
    while True:
        try:
            kind, f = _parse(_recv())
        except EOFError:
            _detach()
            return
        if _handle(kind, f):
            break
    global _inspect
    if _inspect is not None and _mode == _RUN:
        # Free the inspection code and every object it referenced.
        _inspect = None
        sys.modules.pop("mpdbg_inspect", None)
    elif _inspect is not None:
        _inspect._refs.clear()
        _inspect._scratch.clear()
    depth = len(_mpdbg.frames())
    global _step_depth
    _step_depth = depth
    if _mode in (_STEP_OVER, _STEP_OUT) and frame is not None:
        # Untraced ancestors must report lines too: after a return, or after an
        # exception leaves the frame (no `return` event follows it then). They
        # report their current line again on resuming; the stopped frame must
        # not, or `next` would stop on the line it is leaving.
        for f in _mpdbg.frames():
            if f.f_code.co_filename != _FILE:
                _mpdbg.arm(f, _on_line, f is not frame)
    _resume()


def _handle(kind, f):
    # Serves one request while stopped; True when the program should go on.
    global _mode, _inspect
    rid = f[0] if f else b"0"
    try:
        if kind in b"CNIO":
            _mode = {b"C": _RUN, b"N": _STEP_OVER, b"I": _STEP_IN, b"O": _STEP_OUT}[kind]
            return True
        if kind in b"TLGAES":
            if _inspect is None:
                import mpdbg_inspect

                _inspect = mpdbg_inspect
            _inspect.handle(_CORE, kind, f, _frames)
        elif kind == b"B":
            _set_breakpoints(f)
            _send(b"R", rid, 1, "")
        elif kind == b"X":
            _set_filters(f[1])
            _send(b"R", rid, 1, "")
        elif kind == b"P":
            _send(b"R", rid, 1, "already stopped")
        elif kind == b"Q":
            _detach()
            return True
        elif kind == b"Z":
            _detach()
            raise SystemExit(0)
    except SystemExit:
        raise
    except BaseException as e:
        _send(b"E", rid, 0, "%s: %s" % (type(e).__name__, e))
    return False


def _set_breakpoints(f):
    # Fields: file, then (line, condition, slot names, call line) per breakpoint.
    path = f[1].decode()
    lines = {}
    calls = {}
    i = 2
    while i + 3 < len(f):
        line, cond, names = int(f[i]), f[i + 1].decode(), _split_names(f[i + 2])
        lines[line] = (compile(cond, "<condition>", "eval") if cond else None, names)
        calls[int(f[i + 3])] = 1
        i += 4
    if lines:
        _bps[path] = lines
        _calls[path] = calls
    else:
        _bps.pop(path, None)
        _calls.pop(path, None)
    _has_bp.pop(path, None)
    _install()


def _set_filters(b):
    global _exc_raised, _exc_uncaught
    _exc_raised = b"r" in b
    _exc_uncaught = b"u" in b
    _install()


# ---------------------------------------------------------------- tracing


def _install():
    # No tracer at all when nothing can stop; when only breakpoints can, a C
    # filter keeps every call into code without one away from Python.
    if not _attached:
        sys.settrace(None)
    elif _mode in (_STEP_IN, _PAUSE) or _exc_raised:
        sys.settrace(_on_call)
    elif _bps:
        sys.settrace(_mpdbg.filter(_calls, _on_bp_call))
    else:
        sys.settrace(None)


def _resume():
    _install()
    if _attached:
        _mpdbg.watch(sys.stdin, _on_wake, 20)


def _detach():
    global _attached, _mode
    _attached = False
    _mode = _RUN
    _bps.clear()
    sys.settrace(None)
    _mpdbg.watch(None)
    for f in _mpdbg.frames():
        _mpdbg.arm(f, None)


def _code_has_bp(frame, lines, key):
    # Cached per (file, call line, code name): does this code object hold a
    # breakpoint line? Code objects are new at every call, so no identity key.
    # `key` is the frame's line at its call event (its definition line).
    co = frame.f_code
    by_line = _has_bp.get(co.co_filename)
    if by_line is None:
        by_line = _has_bp[co.co_filename] = {}
    by_name = by_line.get(key)
    if by_name is None:
        by_name = by_line[key] = {}
    hit = by_name.get(co.co_name)
    if hit is None:
        hit = False
        for _, _, line in co.co_lines():
            if line in lines:
                hit = True
                break
        by_name[co.co_name] = hit
    return hit


def _on_call(frame, event, arg):
    try:
        if _mode == _STEP_IN or _mode == _PAUSE or _exc_raised:
            # Everything may stop, except the agent's own code.
            return None if frame.f_code.co_filename == _FILE else _on_line
        lines = _bps.get(frame.f_code.co_filename)
        if lines is not None and _needs_trace_at_call(frame, lines):
            return _on_line
    except BaseException as e:
        _internal(e)
    return None


def _needs_trace_at_call(frame, lines):
    calls = _calls[frame.f_code.co_filename]
    return frame.f_lineno in calls or (0 in calls and _code_has_bp(frame, lines, frame.f_lineno))


def _on_bp_call(frame, event, arg):
    # Reached through _mpdbg.filter: this code object's call line has a
    # breakpoint, or the host could not say which code objects do (0).
    try:
        co = frame.f_code
        if 0 in _calls.get(co.co_filename, ()):
            return _on_line if _code_has_bp(frame, _bps[co.co_filename], frame.f_lineno) else None
        return _on_line
    except BaseException as e:
        _internal(e)
    return None


def _call_line(frame):
    # What f_lineno was at the frame's call event (see _code_has_bp).
    line = _mpdbg.code_info(frame)[6]
    if not line:
        for _, _, line in frame.f_code.co_lines():
            break
    return line


def _needs_trace(frame):
    if _mode or _exc_raised:
        return True
    file = frame.f_code.co_filename
    calls = _calls.get(file)
    if calls is None:
        return False
    line = _call_line(frame)
    return line in calls or (0 in calls and _code_has_bp(frame, _bps[file], line))


def _on_line(frame, event, arg):
    global _mode
    try:
        if event == "line":
            _exc_depth[0] = 0
            mode = _mode
            if mode:
                if mode == _STEP_IN:
                    _stop(frame, "step")
                    return _on_line
                if mode == _PAUSE:
                    _mode = _STEP_IN
                    _stop(frame, "pause")
                    return _on_line
                depth = len(_mpdbg.frames())
                if depth < _step_depth or (mode == _STEP_OVER and depth == _step_depth):
                    _stop(frame, "step")
                    return _on_line
            lines = _bps.get(frame.f_code.co_filename)
            if lines is not None:
                bp = lines.get(frame.f_lineno)
                if bp is not None and (bp[0] is None or _condition(frame, bp)):
                    _stop(frame, "breakpoint")
        elif event == "return":
            if _mode:
                # Returning to a caller that may have no tracer: give it ours.
                fs = _mpdbg.frames()
                if len(fs) > 1 and fs[1].f_code.co_filename != _FILE:
                    _mpdbg.arm(fs[1], _on_line)
        elif event == "exception" and _exc_raised:
            # The same exception reports again in each frame it unwinds; stop
            # once, where it was raised.
            depth = len(_mpdbg.frames())
            if not _exc_depth[0] or depth >= _exc_depth[0]:
                _exc_depth[0] = depth
                _stop(frame, "exception", "exception raised")
            _exc_depth[0] = depth
    except SystemExit:
        raise
    except BaseException as e:
        _internal(e)
    return _on_line


def _condition(frame, bp):
    try:
        return bool(eval(bp[0], frame.f_globals, _locals_dict(frame, bp[1])))
    except BaseException:
        return True  # a failing condition stops, as in CPython debuggers


def _on_wake(frame, event, arg):
    # Armed by _mpdbg.watch() when the host sent something while we ran.
    global _mode
    try:
        while _readable(0):
            kind, f = _parse(_recv())
            if kind == b"P":
                _mode = _PAUSE
            elif kind in b"BX":
                _handle(kind, f)
            elif kind in b"QZ":
                _handle(kind, f)
                return None
        # What this event returns is ignored: set the frame's callback directly,
        # keeping its line so this line does not report twice.
        _mpdbg.arm(frame, _on_line if _needs_trace(frame) else None, False)
        if _mode == _PAUSE:
            _mode = _STEP_IN
            _stop(frame, "pause")
        else:
            _resume()
            if event == "line":
                _on_line(frame, event, arg)
    except EOFError:
        _detach()
    except SystemExit:
        raise
    except BaseException as e:
        _internal(e)
    return None


def _internal(e):
    try:
        _send(b"M", "agent error %s: %s" % (type(e).__name__, e))
    except BaseException:
        pass


# ---------------------------------------------------------------- running


def _exception_text(e):
    import io

    buf = io.StringIO()
    sys.print_exception(e, buf)
    return buf.getvalue()


def run(path, args=()):
    """Runs the program at `path` as __main__ under the debugger."""
    sys.argv[:] = [path] + list(args)
    slash = path.rfind("/")
    # The program's folder first, as for a script; the agent's stays after it.
    sys.path.insert(0, path[:slash] if slash >= 0 else "")
    micropython.kbd_intr(-1)  # Ctrl-C bytes on the link are data, not interrupts
    _send(b"H", PROTOCOL, VERSION, "%s %s" % (sys.implementation.name, sys.version), sys.platform, "ws")
    # The host configures breakpoints and filters, then says go (C) or, to
    # stop on entry, step into the program (I).
    _stop(None, "start")
    with open(path) as src:
        code = compile(src.read(), path, "exec")
    g = {"__name__": "__main__", "__file__": path}
    status = 0
    try:
        exec(code, g)
        _send(b"D", "exit", 0, "")
    except SystemExit as e:
        status = e.args[0] if e.args and isinstance(e.args[0], int) else 0
        _send(b"D", "exit", status, "")
    except BaseException as e:
        text = _exception_text(e)
        sys.settrace(None)
        _mpdbg.watch(None)
        if _attached and _exc_uncaught:
            _stop_uncaught(text)
        _send(b"D", "exception", 1, text)
        status = 1
    sys.settrace(None)
    _mpdbg.watch(None)
    micropython.kbd_intr(3)
    return status


def _stop_uncaught(text):
    global _frames
    _frames = []
    _send(b"S", "exception", 0, text)
    while True:
        try:
            kind, f = _parse(_recv())
        except EOFError:
            return
        if kind in b"CNIOQZ":
            return
        _handle(kind, f)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: micropython mpdbg.py PROGRAM [ARGS...]")
        sys.exit(2)
    sys.exit(run(sys.argv[1], sys.argv[2:]))
