# Generators that delegate (`yield from`), a generator expression, a
# generator consumed by a comprehension, and generators nested in another:
# the step scenarios of tests/oracle/scenarios.json walk through them.


def inner():
    yield 1  # BP:inner_first
    yield 2  # BP:inner_second
    return 3


def outer():
    got = yield from inner()  # BP:outer_delegate
    yield got * 10  # BP:outer_last


def pair(a):
    yield a
    yield -a  # BP:pair_second


def nested(a, b):
    for x in pair(a):
        yield x
    yield from pair(b)  # BP:nested_delegate


def main():
    seen = list(outer())  # BP:main_outer
    # No breakpoints on the next two lines: their comprehension frames show
    # their generator (`.0`), which has no attributes on MicroPython (D13).
    total = sum(x * x for x in pair(2))
    doubled = [v * 2 for v in pair(4)]
    flat = list(nested(1, 2))
    print(seen, total, doubled, flat)  # BP:main_done
    return flat


main()
