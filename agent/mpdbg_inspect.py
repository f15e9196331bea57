# mpdbg agent, inspection part: stack, locals, globals, children, evaluation
# and assignment for the host while the program is stopped. mpdbg_stop loads
# it at the first such request and drops it with itself when the program
# continues; a separate module keeps the compiler's peak heap small enough
# for boards with 64 KB.
import sys

import _mpdbg

_LIMIT = 256  # repr bytes per value
_BUDGET = 500  # ms of device time per value shown (repr, len, a property)
_UNBOUND = _mpdbg.UNBOUND
_refs = []  # objects the host may expand, by reference number - 1
_scratch = {}  # names a debug-console statement made, per frame


def _names(b):
    return [n.decode() for n in b.split(b",")] if b else []


def _ref(v):
    for i, r in enumerate(_refs):
        if r is v:
            return i + 1
    _refs.append(v)
    return len(_refs)


class _Failed:
    # An attribute whose value could not be had: shown as the error.
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _interrupted(e):
    # A per-value budget ran out (go on) or the host interrupts the request
    # (give up): the host is then waiting with a cancel or a pause.
    p = __import__("select").poll()
    p.register(sys.stdin, 1)  # POLLIN
    if p.poll(0):
        raise e
    return "<took over %d ms>" % _BUDGET


def _bounded(fn, *args):
    # fn(*args) with at most _BUDGET ms of the device's time; an error or
    # the budget running out becomes the result's text.
    _mpdbg.deadline(_BUDGET, sys.stdin)
    try:
        return fn(*args)
    except KeyboardInterrupt as e:
        return _Failed(_interrupted(e))
    except BaseException as e:
        m = str(e)
        return _Failed("<%s%s>" % (type(e).__name__, ": " + m if m else ""))
    finally:
        _mpdbg.deadline(0, sys.stdin)


def _repr(v, room):
    # repr(v), cut near `room` bytes, with work bounded by room too: a
    # million-item list is formatted up to the limit, not whole and then cut.
    t = type(v)
    if t in (str, bytes, bytearray):
        return repr(v[:room])
    if t not in (list, tuple, dict, set, frozenset) or not v:
        return repr(v)
    opening, closing = {list: "[]", tuple: "()", dict: "{}"}.get(t, "{}")
    if t is frozenset:
        opening, closing = "frozenset({", "})"
    parts = []
    used = len(opening)
    for x in v.items() if t is dict else v:
        p = _repr(x[0], room - used) + ": " + _repr(x[1], room - used) if t is dict else _repr(x, room - used)
        parts.append(p)
        used += len(p) + 2
        if used >= room:
            parts.append("...")
            break
    if t is tuple and len(v) == 1:
        closing = ",)"
    return opening + ", ".join(parts) + closing


def _facts(v):
    # (repr, length or -1, expandable) of a value.
    if isinstance(v, _Failed):
        return v.text, -1, False
    r = _repr(v, _LIMIT)
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
    return r, n, expand


def _value(v):
    if v is _UNBOUND:
        return (b"-", b"", 0, -1)
    facts = _bounded(_facts, v)
    if isinstance(facts, _Failed):
        facts = ("<repr failed: %s>" % facts.text.strip("<>").split(":")[0], -1, False)
    r, n, expand = facts
    b = r.encode()
    if len(b) > _LIMIT:
        b = r[:_LIMIT].encode()[:_LIMIT]
    t = "error" if isinstance(v, _Failed) else type(v).__name__
    return (t, b, _ref(v) if expand else 0, n)


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
    if t in (dict, set, frozenset):
        # Walked, not copied: a list of every key is one block as big as the
        # container, which a board's heap may not have.
        out = []
        for i, k in enumerate(obj):
            if i >= start + count:
                break
            if i >= start:
                out.append((repr(k), obj[k]) if t is dict else (str(i), k))
        return len(obj), out
    attrs = []
    # Not dir(obj): it reads every attribute to see that it exists, which runs
    # every property, unbounded. The class's names and the instance's own are
    # read without running anything; each value is then read with a budget.
    names = set(dir(type(obj)))
    names.update(getattr(obj, "__dict__", ()))
    for n in sorted(names):
        if n.startswith("__"):
            continue
        v = _bounded(getattr, obj, n)
        if type(v).__name__ != "bound_method":
            attrs.append((n, v))
    return len(attrs), attrs[start : start + count]


# A frame an uncaught exception left is a tuple the firmware kept: (file,
# name, line, def_line, code_info, slots, cellmask, globals); a live frame
# is a frame object.
def _slots(fr):
    return fr[5] if type(fr) is tuple else _mpdbg.slots(fr)


def _run_code(c, frame, mode, text, names):
    kept = type(frame) is tuple
    g = frame[7] if kept else frame.f_globals
    if not names:  # module level: locals are the globals
        if mode == b"x":
            exec(text, g)
            return None
        return eval(text, g)
    d = {}
    for n, v in zip(names, _slots(frame)):
        if v is not _UNBOUND:
            d[n] = v
    d.update(_scratch.get(id(frame), ()))
    if mode == b"x":
        exec(text, g, d)
        if kept:
            return None  # the frame is gone: nothing to write back
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


def _assign(c, f, _frames):
    fr = _frames[int(f[1])]
    if type(fr) is tuple:
        raise ValueError("the exception has unwound this frame: its variables are a record now")
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


def inspect(c, kind, f, _frames):
    """Answers T L G A E S; exceptions go to the caller, which reports them."""
    rid = f[0]
    send = c["_send"]
    if kind == b"T":
        start, count = int(f[1]), int(f[2])
        out = []
        for fr in _frames[start : start + count]:
            if type(fr) is tuple:
                out += fr[:4]
                continue
            co = fr.f_code
            try:
                line = _mpdbg.line(fr)
            except BaseException:
                line = fr.f_lineno
            out += [co.co_filename, co.co_name, line, _mpdbg.code_info(fr)[6]]
        send(b"K", rid, len(_frames), *out)
    elif kind == b"L":
        fr = _frames[int(f[1])]
        kept = type(fr) is tuple
        info = fr[4] if kept else _mpdbg.code_info(fr)
        vals = []
        for v in _slots(fr):
            vals += _value(v)
        mask = fr[6] if kept else _mpdbg.cellmask(fr)
        send(b"V", rid, info[0], info[1], info[2], info[3], ",".join(info[4]), info[6], mask, *vals)
    elif kind == b"G":
        fr = _frames[int(f[1])]
        g = fr[7] if type(fr) is tuple else fr.f_globals
        items = [(k, v) for k, v in g.items() if not k.startswith("__")]
        send(b"W", rid, len(items), *_items(items))
    elif kind == b"A":
        total, items = _children(_refs[int(f[1]) - 1], int(f[2]), int(f[3]))
        send(b"W", rid, total, *_items(items))
    elif kind == b"E":
        v = _run_code(c, _frames[int(f[1])], f[2], f[3].decode(), _names(f[4] if len(f) > 4 else b""))
        send(b"E", rid, 1, *_value(v))
    elif kind == b"S":
        send(b"E", rid, 1, *_value(_assign(c, f, _frames)))
