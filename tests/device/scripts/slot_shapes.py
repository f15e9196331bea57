# Function shapes whose local slots are checked against CPython's f_locals.
# SHAPES maps each code name to its locals in MicroPython's local_num order
# (parameters first, *args after the others but before **kw, then locals by
# first appearance, non-parameter cells last, free variables first) and the
# set of names that live in cells. The name mapping itself is the host's job
# (crates/mpdbg-source); here the order is written out by hand.

SHAPES = {
    "params_all": (["a", "b", "c", "args", "kw", "z"], set()),
    "read_before_write": (["flag", "y", "q"], set()),
    "closure_cells": (["a", "b", "inner", "r", "c"], {"a", "c"}),
    "inner": (["a", "c"], {"a", "c"}),
    "loops": (["n", "total", "i", "sq", "done", "k"], set()),
    "except_as": (["x", "r", "e", "kind"], set()),
    "gen_shape": (["n", "acc", "j", "tail"], set()),
    "unpack": (["seq", "first", "rest", "a", "b", "c"], set()),
    "with_as": (["cm", "inside"], set()),
    "walrus": (["xs", "n", "big"], set()),
    "deleting": (["a", "b", "c"], set()),
    "kwonly": (["a", "b", "c", "unused"], set()),
    "outer_nl": (["bump", "count"], {"count"}),
    "bump": (["count"], {"count"}),
    "add": (["self", "v", "new"], set()),
    "nested_loops": (["rows", "out", "r", "row", "c", "cell"], set()),
}


def params_all(a, b=2, *args, c=3, **kw):
    z = a + c
    return z


def read_before_write(flag):
    if flag:
        y = 1
    try:
        print(q)
    except NameError:
        pass
    q = 2
    return y if flag else q


def closure_cells(a):
    b = a * 2
    c = 3

    def inner():
        return a + c

    r = inner()
    return r + b


def loops(n):
    total = 0
    for i in range(n):
        sq = i * i
        total += sq
    else:
        done = True
    k = 0
    while k < 2:
        k += 1
    return total, done, k


def except_as(x):
    try:
        r = 1 // x
    except ZeroDivisionError as e:
        kind = type(e).__name__
        r = -1
    return r


def gen_shape(n):
    acc = 0
    for j in range(n):
        acc += j
        yield acc
    tail = acc * 2
    yield tail


def unpack(seq):
    first, *rest = seq
    a, (b, c) = 1, (2, 3)
    a += b
    return first, rest, a, c


class CM:
    def __enter__(self):
        return 7

    def __exit__(self, *exc):
        return False


def with_as():
    with CM() as cm:
        inside = cm + 1
    return inside


def walrus(xs):
    if (n := len(xs)) > 2:
        big = True
    else:
        big = False
    return n, big


def deleting():
    a = 1
    b = 2
    del a
    c = b
    return c


def kwonly(a, *, b, c=5):
    unused = a + b + c
    return a


def outer_nl():
    count = 0

    def bump():
        nonlocal count
        count += 1
        return count

    bump()
    bump()
    return count


class Acc:
    def __init__(self, start):
        self.total = start

    def add(self, v):
        new = self.total + v
        self.total = new
        return new


def nested_loops(rows):
    out = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            out.append((r, c, cell))
    return out


def run_all():
    params_all(1)
    params_all(1, 5, 6, 7, c=8, extra=9)
    read_before_write(True)
    read_before_write(False)
    closure_cells(4)
    loops(3)
    except_as(2)
    except_as(0)
    list(gen_shape(3))
    unpack([1, 2, 3])
    with_as()
    walrus([1, 2, 3])
    walrus([])
    deleting()
    kwonly(1, b=2)
    outer_nl()
    Acc(1).add(2)
    nested_loops([[1, 2], [3]])
