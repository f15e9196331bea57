"""Corpus: MicroPython syntax extras, multi-line statements, doc strings.

Runs on CPython 3.11 and MicroPython.
"""
# MicroPython folds `NAME = const(value)` at compile time and never calls
# const(); CPython needs a function of that name.
const = lambda x: x

WIDTH = const(8)
_HIDDEN = const(3)
MASK = const(WIDTH * 2 - 1)


def uses_consts(v):
    """Doc string of a function."""
    masked = v & MASK
    shifted = masked << _HIDDEN
    return shifted + WIDTH


def multi_line_call(a, b):
    result = max(
        a,
        b,
        a + b,
    )
    return result


def multi_line_expression(x):
    value = (x
             + 1
             + x * 2)
    other = [
        x,
        x + 1,
    ]
    return value, other


def multi_line_condition(a, b):
    if (a > 0 and
            b > 0):
        state = 'both'
    elif (a > 0 or
          b > 0):
        state = 'one'
    else:
        state = 'none'
    return state


def backslash_continuation(n):
    total = n + \
        n * 2 + \
        3
    return total


def string_statements():
    'a lonely string'
    x = 1
    """Another
    multi-line string statement."""
    y = x + 1
    return y


def long_strings():
    short = 'abc'
    long = 'a string longer than ten characters'
    joined = ('first part, '
              'second part')
    return len(short + long + joined)


def dict_and_set_literals(k):
    d = {'a': k, 'b': k * 2}
    s = {k, k + 1}
    nested = {'list': [k], 'tuple': (k,)}
    return sorted(d.items()), sorted(s), nested['list']


def slices(seq):
    head = seq[:2]
    tail = seq[2:]
    every = seq[::2]
    middle = seq[1:-1]
    rev = seq[::-1]
    return head, tail, every, middle, rev


def keyword_call(values):
    s = sorted(values, reverse=True)
    t = dict(a=1, b=2)
    return s, sorted(t)


def star_call(args, kwargs):
    out = keyword_only_target(*args, **kwargs)
    return out


def keyword_only_target(a, b=0, *, c=0):
    combined = a + b + c
    return combined


def fstrings(name, n):
    a = f'{name}:{n}'
    b = f'{n * 2:>4}|{name!r}'
    return a, b


def ternary_chain(n):
    kind = ('neg' if n < 0
            else 'zero' if n == 0
            else 'pos')
    return kind


def pass_in_middle(x):
    y = x
    pass
    z = y + 1
    return z


def nested_function_defaults(k):
    base = k * 10

    def inner(v, add=base):
        return v + add
    return inner(1)


def semicolons():
    a = 1; b = 2; c = a + b
    return c


def empty_return_paths(flag):
    if flag:
        return
    marker = 'fell through'
    return marker


def compare_chain(a, b, c):
    ordered = a < b < c
    mixed = a == 1 != b
    membership = a in (1, 2) and c not in [9]
    identity = a is not None
    return ordered, mixed, membership, identity


def bytes_and_ints():
    data = b'\x01\x02'
    big = 2 ** 70
    neg = -big
    return len(data), big > 0, neg < 0


print(uses_consts(300))
print(multi_line_call(1, 2))
print(multi_line_expression(3))
print(multi_line_condition(1, 0), multi_line_condition(0, 0), multi_line_condition(1, 1))
print(backslash_continuation(2))
print(string_statements())
print(long_strings())
print(dict_and_set_literals(3))
print(slices([1, 2, 3, 4, 5]))
print(keyword_call([3, 1, 2]))
print(star_call((1, 2), {'c': 3}))
print(fstrings('n', 4))
print(ternary_chain(-1), ternary_chain(0), ternary_chain(3))
print(pass_in_middle(1))
print(nested_function_defaults(2))
print(semicolons())
print(empty_return_paths(True), empty_return_paths(False))
print(compare_chain(1, 2, 3))
print(bytes_and_ints())
