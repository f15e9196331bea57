# Corpus: control flow, assignment forms, exceptions. Runs on CPython 3.11
# and MicroPython.


class Ctx:
    def __init__(self, name):
        self.name = name
        self.log = []

    def __enter__(self):
        self.log.append('enter')
        return self.name

    def __exit__(self, exc_type, exc, tb):
        self.log.append('exit')
        return False


def read_before_write(flag):
    if flag:
        seen = value
    value = 1
    return value


def simple_loop(n):
    total = 0
    for i in range(n):
        total += i
    return total


def loop_over_list(items):
    out = []
    for item in items:
        doubled = item * 2
        out.append(doubled)
    return out


def for_else(items, wanted):
    for pos, item in enumerate(items):
        if item == wanted:
            found = pos
            break
    else:
        found = -1
    return found


def while_loop(limit):
    k = 0
    acc = []
    while k < limit:
        acc.append(k)
        k += 1
    return acc


def while_else(limit):
    j = 0
    while j < limit:
        j += 2
    else:
        ended = j
    return ended


def while_true_break():
    step = 0
    while True:
        step += 1
        if step > 3:
            break
    return step


def continue_in_loop(items):
    kept = []
    for x in items:
        if x % 2:
            continue
        kept.append(x)
    return kept


def nested_loops():
    pairs = []
    for a in range(2):
        for b in range(2):
            pair = (a, b)
            pairs.append(pair)
    return pairs


def range_with_start_and_step(lo, hi):
    got = []
    for v in range(hi, lo, -2):
        got.append(v)
    return got


def range_from_names(lo, hi):
    seen = []
    for w in range(lo, hi):
        seen.append(w)
    return seen


def except_as(divisor):
    try:
        result = 10 // divisor
    except ZeroDivisionError as err:
        message = str(err) != ''
        result = -1
    return result


def except_tuple(kind):
    try:
        if kind == 0:
            raise KeyError('k')
        raise ValueError('v')
    except (KeyError, ValueError) as problem:
        which = type(problem).__name__
    return which


def try_finally(x):
    log = []
    try:
        log.append('try')
        y = x + 1
    finally:
        log.append('finally')
    return y, log


def try_except_else_finally(x):
    state = 'start'
    try:
        v = 100 // x
    except ZeroDivisionError:
        state = 'error'
    else:
        state = 'ok'
        w = v * 2
    finally:
        done = True
    return state, done


def return_in_finally():
    try:
        a = 1
        return a
    finally:
        b = 2


def nested_try():
    try:
        try:
            raise ValueError('inner')
        except ValueError as inner_err:
            caught = inner_err.args[0]
            raise KeyError('outer')
    except KeyError as outer_err:
        final = outer_err.args[0]
    return caught, final


def reraise():
    try:
        try:
            raise ValueError('x')
        except ValueError:
            note = 'handled'
            raise
    except ValueError:
        after = 'reraised'
    return note, after


def with_as():
    c = Ctx('res')
    with c as name:
        inside = name + '!'
    return inside, c.log


def with_two_items():
    a = Ctx('a')
    b = Ctx('b')
    with a as x, b as y:
        both = x + y
    return both


def with_no_as():
    c = Ctx('z')
    with c:
        flag = 1
    return flag


def deletes():
    a = 1
    b = [1, 2, 3]
    del b[0]
    d = {'k': 1}
    del d['k']
    del a
    a = 2
    return a, b, d


def walrus(values):
    if (n := len(values)) > 2:
        big = True
    else:
        big = False
    while (chunk := values[:1]):
        values = values[1:]
    return n, big, chunk


def star_unpack(seq):
    first, *rest = seq
    *init, last = seq
    a, *middle, z = seq
    return first, rest, init, last, a, middle, z


def nested_unpack():
    (p, q), r = (1, 2), 3
    [s, t] = [4, 5]
    u, (v, w) = 6, (7, 8)
    return p + q + r + s + t + u + v + w


def swap_and_rotate():
    x, y = 1, 2
    x, y = y, x
    a, b, c = 1, 2, 3
    a, b, c = c, a, b
    return x, y, a, b, c


def augmented():
    n = 1
    n += 2
    n *= 3
    n -= 1
    n //= 2
    n **= 2
    n %= 7
    n <<= 2
    n >>= 1
    n |= 8
    n &= 12
    n ^= 5
    return n


def augmented_targets():
    items = [1, 2, 3]
    items[0] += 10
    holder = Ctx('h')
    holder.count = 1
    holder.count += 1
    d = {'a': 1}
    d['a'] *= 5
    return items, holder.count, d


def chained_assignment():
    a = b = c = 7
    x = y = [1]
    return a + b + c, x is y


def conditional_expressions(v):
    kind = 'big' if v > 10 else 'small'
    sign = -1 if v < 0 else (0 if v == 0 else 1)
    return kind, sign


def boolean_logic(a, b):
    both = a and b
    either = a or b
    neither = not a and not b
    return both, either, neither


def dead_branch():
    if False:
        never = 1
    if 0:
        never_either = 2
    alive = 3
    return alive


def early_return(x):
    if x:
        return 'early'
    late = 'late'
    return late


def elif_chain(x):
    if x == 1:
        r = 'one'
    elif x == 2:
        r = 'two'
    elif x == 3:
        r = 'three'
    else:
        r = 'many'
    return r


def assert_statement(x):
    assert x > 0, 'positive'
    checked = x
    return checked


def global_module_level_names():
    names = [n for n in ('a', 'b')]
    return names


print(read_before_write(False))
try:
    read_before_write(True)
except NameError:
    print('name error')
print(simple_loop(4))
print(loop_over_list([1, 2]))
print(for_else([5, 6, 7], 6), for_else([5], 9))
print(while_loop(3))
print(while_else(5))
print(while_true_break())
print(continue_in_loop([1, 2, 3, 4]))
print(nested_loops())
print(range_with_start_and_step(0, 6))
print(range_from_names(2, 5))
print(except_as(0), except_as(5))
print(except_tuple(0), except_tuple(1))
print(try_finally(1))
print(try_except_else_finally(0), try_except_else_finally(5))
print(return_in_finally())
print(nested_try())
print(reraise())
print(with_as())
print(with_two_items())
print(with_no_as())
print(deletes())
print(walrus([1, 2, 3]))
print(star_unpack([1, 2, 3, 4]))
print(nested_unpack())
print(swap_and_rotate())
print(augmented())
print(augmented_targets())
print(chained_assignment())
print(conditional_expressions(11), conditional_expressions(-3))
print(boolean_logic(1, 0), boolean_logic(0, 0))
print(dead_branch())
print(early_return(1), early_return(0))
print(elif_chain(1), elif_chain(3), elif_chain(5))
print(assert_statement(2))
print(global_module_level_names())
