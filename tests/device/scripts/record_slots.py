# Runs slot_shapes.run_all() under a tracer and prints, as a repr'd list, one
# record per `line` event in a shape: (code name, call number, line,
# {name: value repr}, cell names). A generator resume counts as a call. On MicroPython the values come from _mpdbg.slots(); on CPython
# from frame.f_locals. Unbound names are left out of the dict.
import sys

import slot_shapes

SHAPES = slot_shapes.SHAPES
records = []
calls = {}
MICROPYTHON = sys.implementation.name == "micropython"
if MICROPYTHON:
    import _mpdbg


def show(v):
    if isinstance(v, BaseException):
        return type(v).__name__  # messages differ between the interpreters
    r = repr(v)
    return "<object>" if r.startswith("<") else r


def snapshot_mp(frame, names):
    slots = _mpdbg.slots(frame)
    mask = _mpdbg.cellmask(frame)
    assert len(slots) == len(names), (frame.f_code.co_name, len(slots), names)
    values = {n: show(v) for n, v in zip(names, slots) if v is not _mpdbg.UNBOUND}
    cells = {n for k, n in enumerate(names) if mask >> k & 1}
    return values, cells


def snapshot_cpython(frame, names):
    loc = frame.f_locals
    return {n: show(loc[n]) for n in names if n in loc}, None


snapshot = snapshot_mp if MICROPYTHON else snapshot_cpython


def tracer(frame, event, arg):
    name = frame.f_code.co_name
    if name not in SHAPES:
        return tracer if name in ("run_all", "<module>", "__init__") else None
    if event == "call":
        calls[name] = calls.get(name, 0) + 1
    elif event == "line":
        values, cells = snapshot(frame, SHAPES[name][0])
        records.append((name, calls[name], frame.f_lineno, values, cells))
    return tracer


sys.settrace(tracer)
slot_shapes.run_all()
sys.settrace(None)
print(repr(records))
