# mpdbg agent, stop-time part: serving the host while the program is stopped
# (requests, breakpoints, stack, locals, evaluation) and at start and end.
# The resident part (mpdbg.py) loads this at a stop and drops it when the
# program continues, so none of it, nor the objects it referenced for the
# host, takes heap while the program runs. `c` is the resident part's globals.
import sys

import _mpdbg
import select

PROTOCOL = "1"
VERSION = "0.1.0"
_LIMIT = 256  # repr bytes per value
_UNBOUND = _mpdbg.UNBOUND
_in = sys.stdin.buffer
_poll = select.poll()
_poll.register(sys.stdin, select.POLLIN)
_rx = b""  # bytes from the host not yet framed
_frames = []  # the stopped program's frames, innermost first
_refs = []  # objects the host may expand, by reference number - 1
_scratch = {}  # names a debug-console statement made, per frame


# ---------------------------------------------------------------- input


def _readable(timeout):
    # Whether the host sent something; EOFError when it closed the link.
    for _, ev in _poll.poll(timeout):
        if ev & select.POLLIN:
            return True
        if ev & (select.POLLHUP | select.POLLERR):
            raise EOFError
    return False


def _recv():
    # One frame from the host. A byte that does not start a valid frame is
    # skipped, and scanning goes on from the next byte, so a real frame behind
    # junk is found; a frame start whose rest does not come within 200 ms is
    # junk too. Host requests are small: reading byte by byte is fine.
    global _rx
    while True:
        i = _rx.find(b"\xfe\xfd")
        if i < 0:
            _rx = _rx[-1:] if _rx[-1:] == b"\xfe" else b""
        elif i:
            _rx = _rx[i:]
        if len(_rx) >= 5:
            n = _rx[2] | _rx[3] << 8
            if (_rx[2] + _rx[3] + 0x5A) & 255 != _rx[4]:
                _rx = _rx[1:]
                continue
            if len(_rx) >= n + 7:
                payload = _rx[5 : 5 + n]
                if (sum(payload) + n) & 0xFFFF == _rx[5 + n] | _rx[6 + n] << 8:
                    _rx = _rx[n + 7 :]
                    return _parse(payload)
                _rx = _rx[1:]
                continue
        if not _readable(200 if _rx else -1):
            _rx = _rx[1:]
            continue
        _rx += _in.read(1)


def _parse(payload):
    fields = []
    i = 1
    while i < len(payload):
        colon = payload.index(b":", i)
        n = int(payload[i:colon])
        fields.append(payload[colon + 1 : colon + 1 + n])
        i = colon + 1 + n
    return payload[:1], fields


def _names(b):
    return [n.decode() for n in b.split(b",")] if b else []


# ---------------------------------------------------------------- state changes


def _set_breakpoints(c, f):
    # Fields: file, then (line, condition, slot names, call line) per breakpoint.
    path = f[1].decode()
    lines = {}
    calls = {}
    i = 2
    while i + 3 < len(f):
        cond = f[i + 1].decode()
        lines[int(f[i])] = (compile(cond, "<condition>", "eval") if cond else None, _names(f[i + 2]))
        calls[int(f[i + 3])] = 1
        i += 4
    if lines:
        c["_bps"][path] = lines
        c["_calls"][path] = calls
    else:
        c["_bps"].pop(path, None)
        c["_calls"].pop(path, None)
    # The tracer is set when the program resumes.


def _detach(c):
    c["_attached"] = False
    c["_mode"] = 0
    c["_bps"].clear()
    sys.settrace(None)
    _mpdbg.watch(None)
    for f in _mpdbg.frames():
        _mpdbg.arm(f, None)


def _handle(c, kind, f):
    # Serves one request; True when the program should go on.
    rid = f[0] if f else b"0"
    send = c["_send"]
    try:
        if kind in b"CNIO":
            c["_mode"] = {b"C": 0, b"N": 2, b"I": 1, b"O": 3}[kind]
            return True
        if kind in b"TLGAES":
            _inspect(c, kind, f)
        elif kind == b"B":
            _set_breakpoints(c, f)
            send(b"R", rid, 1, "")
        elif kind == b"X":
            c["_exc_raised"] = b"r" in f[1]
            c["_exc_uncaught"] = b"u" in f[1]
            send(b"R", rid, 1, "")
        elif kind == b"P":
            send(b"R", rid, 1, "already stopped")
        elif kind == b"Q":
            _detach(c)
            return True
        elif kind == b"Z":
            _detach(c)
            raise SystemExit(0)
    except SystemExit:
        raise
    except BaseException as e:
        send(b"E", rid, 0, "%s: %s" % (type(e).__name__, e))
    return False


def _unload(c):
    # Drop this module (and what it references) once the program runs freely.
    global _frames
    _frames = []
    _refs.clear()
    _scratch.clear()
    if c["_mode"] == 0:
        sys.modules.pop("mpdbg_stop", None)
        # Empty the module too: the GC scans the C stack conservatively, and a
        # stale word there that still points at one of these functions must
        # not keep the whole module alive. The callers use only locals now.
        globals().clear()


# ---------------------------------------------------------------- stops


def serve(c, frame, reason, text):
    """The program stops here until the host lets it go on."""
    global _frames
    _mpdbg.watch(None)
    file = c["_FILE"]
    _frames = [f for f in _mpdbg.frames() if f.f_code.co_filename != file] if frame is not None else []
    c["_send"](b"S", reason, len(_frames), text)
    while True:
        try:
            kind, f = _recv()
        except EOFError:
            _detach(c)
            break
        if _handle(c, kind, f):
            break
    mode = c["_mode"]
    c["_step_depth"] = len(_mpdbg.frames())
    if mode in (2, 3) and frame is not None:
        # Untraced ancestors must report lines too: after a return, or after an
        # exception leaves the frame (no `return` event follows it then).
        # CPython semantics: `next` off the end of a function stops at the
        # caller's next line, `stepOut` at the line of the call.
        for f in _mpdbg.frames():
            if f.f_code.co_filename != file:
                _mpdbg.arm(f, c["_on_line"], mode == 3 and f is not frame)
    _unload(c)
    c["_resume"]()


def _needs_trace(c, frame):
    return c["_mode"] or c["_exc_raised"] or c["_traced"](frame, _mpdbg.def_line(frame))


def wake(c, frame, event, arg):
    """The host sent something while the program ran (see _mpdbg.watch)."""
    try:
        while _rx or _readable(0):
            kind, f = _recv()
            if kind == b"P":
                c["_mode"] = 4
            elif kind in b"BXQZ":
                _handle(c, kind, f)
                if kind in b"QZ":
                    return
    except EOFError:
        _detach(c)
        return
    # What this event returns is ignored: set the frame's callback directly,
    # keeping its line so this line does not report twice.
    _mpdbg.arm(frame, c["_on_line"] if _needs_trace(c, frame) else None, False)
    if c["_mode"] == 4:
        c["_mode"] = 1
        serve(c, frame, "pause", "")
        return
    _unload(c)
    c["_resume"]()
    if event == "line":
        c["_on_line"](frame, event, arg)


def start(c, path, args):
    """Prepares the program and waits for the host's configuration."""
    import micropython

    sys.argv[:] = [path] + list(args)
    slash = path.rfind("/")
    # The program's folder first, as for a script; the agent's stays after it.
    sys.path.insert(0, path[:slash] if slash >= 0 else "")
    micropython.kbd_intr(-1)  # Ctrl-C bytes on the link are data, not interrupts
    impl = "%s %s" % (sys.implementation.name, sys.version)
    c["_send"](b"H", PROTOCOL, VERSION, impl, sys.platform, "ws")
    with open(path) as src:
        code = compile(src.read(), path, "exec")
    # The host sets breakpoints and filters, then says go (C) or, to stop on
    # entry, step into the program (I).
    serve(c, None, "start", "")
    return code, {"__name__": "__main__", "__file__": path}


def uncaught(c, e):
    """An exception left the program: report it, stop if asked, then end."""
    import io

    sys.settrace(None)
    _mpdbg.watch(None)
    buf = io.StringIO()
    sys.print_exception(e, buf)
    # The agent's own frames are no part of the program's traceback.
    text = "\n".join(line for line in buf.getvalue().split("\n") if c["_FILE"] not in line)
    if c["_attached"] and c["_exc_uncaught"]:
        # The stack has unwound: the host shows the traceback's frames.
        c["_send"](b"S", "exception", 0, text)
        while True:
            try:
                kind, f = _recv()
            except EOFError:
                break
            if kind in b"CNIOQZ":
                break
            _handle(c, kind, f)
    c["_send"](b"D", "exception", 1, text)


# ---------------------------------------------------------------- inspection


def _ref(v):
    for i, r in enumerate(_refs):
        if r is v:
            return i + 1
    _refs.append(v)
    return len(_refs)


def _value(v):
    if v is _UNBOUND:
        return (b"-", b"", 0, -1)
    try:
        r = repr(v)
    except BaseException as e:  # a user __repr__ that fails
        r = "<repr failed: %s>" % type(e).__name__
    b = r.encode()
    if len(b) > _LIMIT:
        b = r[:_LIMIT].encode()[:_LIMIT]
    try:
        n = len(v)
    except BaseException:
        n = -1
    t = type(v)
    if t in (list, tuple, dict, set, frozenset):
        expand = n > 0
    elif t in (str, bytes, bytearray, int, float, bool, complex) or v is None:
        expand = False
    else:
        expand = hasattr(v, "__dict__")
    return (t.__name__, b, _ref(v) if expand else 0, n)


def _items(pairs):
    out = []
    for k, v in pairs:
        out.append(k)
        out += _value(v)
    return out


def _children(obj, start, count):
    # (total, [(name, value)]) for the slice [start, start+count).
    t = type(obj)
    if t in (list, tuple):
        return len(obj), [(str(i), obj[i]) for i in range(start, min(len(obj), start + count))]
    if t is dict:
        keys = list(obj.keys())
        return len(keys), [(repr(k), obj[k]) for k in keys[start : start + count]]
    if t in (set, frozenset):
        vals = list(obj)
        return len(vals), [(str(start + i), v) for i, v in enumerate(vals[start : start + count])]
    attrs = []
    for n in dir(obj):
        if n.startswith("__"):
            continue
        try:
            v = getattr(obj, n)
        except BaseException:
            continue
        if type(v).__name__ != "bound_method":
            attrs.append((n, v))
    return len(attrs), attrs[start : start + count]


def _run_code(c, frame, mode, text, names):
    g = frame.f_globals
    if not names:  # module level: locals are the globals
        if mode == b"x":
            exec(text, g)
            return None
        return eval(text, g)
    d = {}
    for n, v in zip(names, _mpdbg.slots(frame)):
        if v is not _UNBOUND:
            d[n] = v
    d.update(_scratch.get(id(frame), ()))
    if mode == b"x":
        exec(text, g, d)
        # Write changed locals back to their slots; keep new names for this stop.
        slots = _mpdbg.slots(frame)
        for i in range(min(len(names), len(slots))):
            if names[i] in d and d[names[i]] is not slots[i]:
                _mpdbg.set_slot(frame, i, d[names[i]])
        extra = _scratch.setdefault(id(frame), {})
        for k in d:
            if k not in names:
                extra[k] = d[k]
        return None
    return eval(text, g, d)


def _assign(c, f):
    fr = _frames[int(f[1])]
    target, key = f[2], f[3]
    value = _run_code(c, fr, b"e", f[4].decode(), _names(f[5] if len(f) > 5 else b""))
    if target == b"s":
        _mpdbg.set_slot(fr, int(key), value)
    elif target == b"g":
        fr.f_globals[key.decode()] = value
    else:
        obj = _refs[int(target) - 1]
        t = type(obj)
        if t is list:
            obj[int(key)] = value
        elif t is dict:
            for k in obj:
                if repr(k).encode() == key:
                    obj[k] = value
                    break
            else:
                raise KeyError(key.decode())
        else:
            setattr(obj, key.decode(), value)
    return value


def _inspect(c, kind, f):
    # Answers T L G A E S; exceptions go to the caller, which reports them.
    rid = f[0]
    send = c["_send"]
    if kind == b"T":
        start, count = int(f[1]), int(f[2])
        out = []
        for fr in _frames[start : start + count]:
            co = fr.f_code
            try:
                line = _mpdbg.line(fr)
            except BaseException:
                line = fr.f_lineno
            out += [co.co_filename, co.co_name, line, _mpdbg.code_info(fr)[6]]
        send(b"K", rid, len(_frames), *out)
    elif kind == b"L":
        fr = _frames[int(f[1])]
        info = _mpdbg.code_info(fr)
        vals = []
        for v in _mpdbg.slots(fr):
            vals += _value(v)
        send(b"V", rid, info[0], info[1], info[2], info[3], ",".join(info[4]), info[6], _mpdbg.cellmask(fr), *vals)
    elif kind == b"G":
        items = [(k, v) for k, v in _frames[int(f[1])].f_globals.items() if not k.startswith("__")]
        send(b"W", rid, len(items), *_items(items))
    elif kind == b"A":
        total, items = _children(_refs[int(f[1]) - 1], int(f[2]), int(f[3]))
        send(b"W", rid, total, *_items(items))
    elif kind == b"E":
        v = _run_code(c, _frames[int(f[1])], f[2], f[3].decode(), _names(f[4] if len(f) > 4 else b""))
        send(b"E", rid, 1, *_value(v))
    elif kind == b"S":
        send(b"E", rid, 1, *_value(_assign(c, f)))
