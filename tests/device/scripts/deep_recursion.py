# Recursion to a depth given on the command line, or until MicroPython's
# stack limit, caught by the program: through plain calls, nested
# generators (`yield from`), a closure, and a generator expression.
#   deep_recursion.py KIND N     (N < 0: until the limit)
import sys

depth = 0


def plain(n):
    global depth
    depth += 1
    if n == 0:
        return 0
    return plain(n - 1) + 1


def nested(n):
    global depth
    depth += 1
    if n:
        yield from nested(n - 1)
    else:
        yield 0


def through_gen(n):
    return next(nested(n))


def closures(n):
    def inner(k):
        global depth
        depth += 1
        return k if k == 0 else inner(k - 1) + 1
    return inner(n)


def gexp(n):
    global depth
    depth += 1
    return 0 if n == 0 else sum(gexp(n - 1) for _ in (1,))


kind = sys.argv[1]
n = int(sys.argv[2])
if n < 0:
    n = 1 << 30
try:
    r = {"plain": plain, "generator": through_gen, "closure": closures, "genexpr": gexp}[kind](n)
    print("returned", r)
except RuntimeError as e:
    print("caught", e)
print("depth", depth)
print("done")
