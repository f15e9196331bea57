# _mpdbg.keep_unwound / unwound (core patch 0009): the frames an exception
# left, with their locals as it left them; at most 32; a new exception
# forgets the previous one's; nothing kept while off; nothing that a
# collection could lose, under allocation pressure.
import gc

import _mpdbg


def inner(a):
    b = [a] * 3
    raise ValueError(a)


def middle(x):
    y = x * 2

    def closure():
        return y

    inner(y + 1)


def deep(n):
    if n:
        deep(n - 1)
    raise KeyError(n)


def caught(exc_type, *args):
    try:
        exc_type(*args)
    except BaseException as e:
        return e


_mpdbg.keep_unwound(True)
e = caught(middle, 5)
frames = _mpdbg.unwound(e)
print([(r[1], r[2]) for r in frames])
print(frames[0][5], frames[1][5][0], frames[1][5][2], frames[1][6])
print(_mpdbg.unwound(e))  # forgotten once read

e1 = caught(middle, 1)
e2 = caught(inner, 7)
print(len(_mpdbg.unwound(e2)))
e1 = caught(middle, 1)
e2 = caught(inner, 7)
print(len(_mpdbg.unwound(e1)))  # a new exception forgot the old one

e = caught(deep, 40)
print(len(_mpdbg.unwound(e)))  # capped

for i in range(300):
    e = caught(middle, i)
    junk = [bytearray(100) for _ in range(20)]
    gc.collect()
frames = _mpdbg.unwound(e)
print(frames[1][5][0], frames[0][5][1])

_mpdbg.keep_unwound(False)
e = caught(middle, 5)
print(_mpdbg.unwound(e))
