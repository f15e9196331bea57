# mpdbg agent, stop-time part: serving the host while the program is stopped
# (requests, breakpoints, stack, locals, evaluation) and at start and end.
# The resident part (mpdbg.py) loads this at a stop and drops it when the
# program continues, so none of it, nor the objects it referenced for the
# host, takes heap while the program runs. `c` is the resident part's globals.
import sys

import _mpdbg
import select

PROTOCOL = "2"
VERSION = "0.1.0"
_link = None  # the host's stream (see use())
_in = None
_poll = None
_rx = b""  # bytes from the host not yet framed
_frames = []  # the stopped program's frames, innermost first


# ---------------------------------------------------------------- input


def use(link):
    """Reads the host from `link`: sys.stdin, or an attached client's socket."""
    global _link, _in, _poll
    if link is not _link:
        _link = link
        _in = link.buffer if link is sys.stdin else link
        _poll = select.poll()
        _poll.register(link, select.POLLIN)


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
        b = _in.read(1)
        if not b:
            raise EOFError  # readable and empty: the end of a file or socket
        if b == b"\x03" and not _rx:
            # Ctrl-C where a frame should start: a host that lost its
            # session (killed, unplugged) wants the board back.
            raise SystemExit(130)
        _rx += b


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
        lines[int(f[i])] = [compile(cond, "<condition>", "eval") if cond else None, _names(f[i + 2]), None, cond]
        calls[int(f[i + 3])] = 1
        i += 4
    if lines:
        c["_bps"][path] = lines
        c["_calls"][path] = calls
    else:
        c["_bps"].pop(path, None)
        c["_calls"].pop(path, None)
    # The tracer is set when the program resumes.


def _keep_unwound(on):
    # Firmware with core patch 0009 keeps the frames an exception leaves,
    # with their slots, so that an uncaught exception's stop shows them.
    keep = getattr(_mpdbg, "keep_unwound", None)
    if keep:
        keep(on)


def keep(c, frame):
    """Without core patch 0009: a traced frame that an exception passes (an
    `exception` event) is kept as _mpdbg.unwound() would keep it."""
    exc_info = getattr(sys, "exc_info", None)
    e = exc_info()[1] if exc_info else None
    kept = c["_kept"]
    if not kept or kept[0] is not e:
        kept[:] = [e]
    file = frame.f_code.co_filename
    line = _mpdbg.line(frame)
    for r in kept[1:]:
        if r[0] == file and r[2] == line and r[1] == frame.f_code.co_name:
            return  # the same frame again (a re-raise)
    kept.append((file, frame.f_code.co_name, line, _mpdbg.def_line(frame), _mpdbg.code_info(frame),
        _mpdbg.slots(frame), _mpdbg.cellmask(frame), frame.f_globals))


def _kept_frames(c, e, text):
    # The frames of an uncaught exception that the firmware (0009) or, without
    # it, the tracer kept; the latter only when it saw every one of them.
    unwound = getattr(_mpdbg, "unwound", None)
    if unwound:
        return [r for r in unwound(e) if r[0] != c["_FILE"]]
    kept = c["_kept"] or [None]
    frames = [r for r in kept[1:] if r[0] != c["_FILE"]] if kept[0] is e else []
    c["_kept"] = []
    return frames if len(frames) == text.count('  File "') else []


def _detach(c):
    import micropython

    micropython.kbd_intr(3)  # the program runs on alone: Ctrl-C works again
    _keep_unwound(False)
    c["_attached"] = False
    c["_mode"] = 0
    c["_bps"].clear()
    sys.settrace(None)
    _mpdbg.watch(None)
    _mpdbg.stdin(None)  # the program reads the port's stdin again
    link = c["_link"]
    if link is not sys.stdin:
        # An attached client went (or was let go): listen for the next one.
        c["_link"] = sys.stdin
        c["_out"] = sys.stdout.buffer
        try:
            link.close()
        except BaseException:
            pass
        if c["_server"] is None:
            c["_load"]("mpdbg_attach").relisten(c)
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
            # Until it answers, anything from the host (a cancel, a pause)
            # interrupts it; listings also bound each value's cost.
            _mpdbg.deadline(0, sys.stdin)
            try:
                c["_load"]("mpdbg_inspect").inspect(c, kind, f, _frames)
            finally:
                _mpdbg.deadline(0)
        elif kind == b"B":
            _set_breakpoints(c, f)
            send(b"R", rid, 1, "")
        elif kind == b"X":
            c["_exc_raised"] = b"r" in f[1]
            c["_exc_uncaught"] = b"u" in f[1]
            _keep_unwound(c["_exc_uncaught"])
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
    except KeyboardInterrupt:
        send(b"E", rid, 0, "interrupted")
    except BaseException as e:
        m = str(e)
        send(b"E", rid, 0, type(e).__name__ + (": " + m if m else ""))
    return False


def _unload(c):
    # Drop this module (and what it references) once the program runs freely.
    global _frames
    _frames = []
    inspect = sys.modules.get("mpdbg_inspect")
    if inspect is not None:
        inspect._refs.clear()
        inspect._scratch.clear()
    if c["_mode"] == 0:
        sys.modules.pop("mpdbg_stop", None)
        sys.modules.pop("mpdbg_inspect", None)
        if inspect is not None:
            inspect.__dict__.clear()
        # Empty the module too: the GC scans the C stack conservatively, and a
        # stale word there that still points at one of these functions must
        # not keep the whole module alive. The callers use only locals now.
        globals().clear()


# ---------------------------------------------------------------- stops


def _raised(e):
    # "Type: message" of a raised exception, as a traceback's last line.
    if e is None:
        return "exception raised"  # firmware without sys.exc_info
    try:
        m = str(e)
    except BaseException:
        m = ""
    return type(e).__name__ + (": " + m if m else "")


def serve(c, frame, reason, text, running=False):
    """The program stops here until the host lets it go on. `running`: the
    frames already running were never traced (an attach): arm them."""
    global _frames
    # What may fail for want of memory comes first, before anything changed.
    if not isinstance(text, str):
        text = _raised(text)
    _frames = _program_frames(c) if frame is not None else []
    # A stop at a yield shows the consumer on top, as debugpy does.
    above = _frames.index(frame) if frame in _frames else 0
    _frames = _frames[above:]
    _mpdbg.watch(None)
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
    c["_step_depth"] = _mpdbg.depth() - above
    if running or mode in (2, 3) and frame is not None:
        # Untraced ancestors must report lines too: after a return, or after an
        # exception leaves the frame (no `return` event follows it then).
        # CPython semantics: `next` off the end of a function stops at the
        # caller's next line, `stepOut` at the line of the call. After an
        # attach, breakpoints in the running frames need a tracer.
        for f in _program_frames(c):
            _mpdbg.arm(f, c["_on_line"] if not running or _needs_trace(c, f) else None, mode == 3 and f is not frame or running and mode == 1)
    _unload(c)
    c["_resume"]()


def _program_frames(c):
    # The running frames but the agent's own (its files are in its folder),
    # down to the agent's run(): below it is only what started the agent (a
    # board's REPL line).
    d = c["_DIR"]
    fs = []
    for f in _mpdbg.frames():
        if f.f_code.co_filename[: len(d)] != d:
            fs.append(f)
        elif fs:
            break
    return fs


def wait_input(c):
    """The program waits in input(): serve one message from the host."""
    # A wake may have run in _fill since it looked (its frame was armed
    # before the watch stopped) and brought the input: then there is none to
    # wait for. No wake can run from here on: the watch is off.
    _mpdbg.watch(None)
    if c["_input"]:
        return
    try:
        kind, f = _recv()
    except EOFError:
        _detach(c)
        return
    if kind == b"U":
        c["_input"].append(f[1] if len(f) > 1 else b"")
    elif kind == b"P":
        fs = _program_frames(c)
        c["_mode"] = 1
        serve(c, fs[0] if fs else None, "pause", "")
    elif kind in b"BXQZ":
        _handle(c, kind, f)


def _needs_trace(c, frame):
    return c["_mode"] or c["_exc_raised"] or c["_traced"](frame, _mpdbg.def_line(frame))


def returning(c, frame):
    """A traced frame returns or yields while the agent steps."""
    # Returning to a caller that may have no tracer: give it ours. CPython
    # semantics: `next` lands on the caller's next line, `stepOut` on the
    # line of the call. Through generators, as debugpy steps: a yield goes on
    # stepping where its consumer runs next, unless C code (list(), sum())
    # consumes it, which stops there at once; a generator's return to its
    # `yield from` stops at that line on `stepIn`.
    fs = _mpdbg.frames()
    d = c["_DIR"]
    if len(fs) < 2 or fs[1].f_code.co_filename[: len(d)] == d:
        return
    mode = c["_mode"]
    at = _mpdbg.at(frame)
    back = _mpdbg.at(fs[1])
    if at == 1 and not back and mode != 3 and (mode == 1 or len(fs) <= c["_step_depth"]):
        c["_stop"](fs[1], "step")
    else:
        _mpdbg.arm(fs[1], c["_on_line"], mode == 3 or mode == 1 and not at and back == 2)


def wake(c, frame, event, arg):
    """The host sent something while the program ran (see _mpdbg.watch)."""
    try:
        while _rx or _readable(0):
            kind, f = _recv()
            if kind == b"P":
                c["_mode"] = 4
            elif kind == b"U":
                c["_input"].append(f[1] if len(f) > 1 else b"")
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
    # The wake's own line event repeats the line the program stopped at (the
    # watch arms it "fresh"): that stop must not come again.
    at = c["_stopped_at"]
    if event == "line" and not (at and at[0] is frame and at[1] == frame.f_lineno):
        c["_on_line"](frame, event, arg)


def _hello(c):
    impl = "%s %s" % (sys.implementation.name, sys.version)
    # Features: w watch, s slots; the core patches: l lazy frames, f frame
    # code on demand, c call filter, r tracing survives a raising tracer.
    patched = "".join(x for i, x in enumerate("lfcrtexungmsza") if _mpdbg.FEATURES >> i & 1)
    c["_send"](b"H", PROTOCOL, VERSION, impl, sys.platform, "ws" + patched)


def attached(c):
    """A client attached to a running program: configure, then go on."""
    _hello(c)
    serve(c, None, "start", "", True)


def start(c, path, args, source=None):
    """Prepares the program and waits for the host's configuration."""
    import micropython

    sys.argv[:] = [path] + list(args)
    slash = path.rfind("/")
    # The program's folder first, as for a script; the agent's stays after it.
    sys.path.insert(0, path[:slash] if slash >= 0 else "")
    micropython.kbd_intr(-1)  # Ctrl-C bytes on the link are data, not interrupts
    _hello(c)
    _keep_unwound(c["_exc_uncaught"])
    if not hasattr(_mpdbg, "unwound"):
        c["_kept"] = []  # the tracer keeps what it sees (see keep())
    if source is None:
        with open(path) as src:
            source = src.read()
    code = compile(source, path, "exec")
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
    # Nor is the REPL line that started the agent on a board.
    text = "\n".join(l for l in buf.getvalue().split("\n") if c["_FILE"] not in l and '"<stdin>"' not in l)
    if c["_attached"] and c["_exc_uncaught"]:
        # The stack has unwound: the frames the firmware kept as the
        # exception left them (core patch 0009), innermost first, stand in
        # for it; without them the host shows the traceback's frames.
        global _frames
        _frames = _kept_frames(c, e, text)
        c["_send"](b"S", "exception", len(_frames), text)
        while True:
            try:
                kind, f = _recv()
            except EOFError:
                break
            if kind in b"CNIOQZ":
                break
            _handle(c, kind, f)
    c["_send"](b"D", "exception", 1, text)
