# Prints how deep a Python function can recurse on this interpreter before
# RuntimeError (its C stack or recursion limit), with a tracer installed (the
# deepest C stack per Python call): tests that recurse derive their depth
# from it instead of assuming a 64-bit host's stack.
import sys

reached = 0


def down(n):
    global reached
    reached = n
    down(n + 1)


sys.settrace(lambda f, e, a: None)
try:
    down(1)
except RuntimeError:  # CPython: RecursionError, a RuntimeError
    pass
sys.settrace(None)
print(reached)
