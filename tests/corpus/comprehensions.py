# Corpus: comprehensions, generator expressions and lambdas. Runs on
# CPython 3.11 and MicroPython.

OFFSET = 100


def list_comp(n):
    squares = [i * i for i in range(n)]
    return squares


def list_comp_with_if(items):
    evens = [x for x in items if x % 2 == 0]
    return evens


def dict_comp(keys):
    table = {k: len(k) for k in keys}
    return sorted(table.items())


def set_comp(items):
    seen = {x % 3 for x in items}
    return sorted(seen)


def gen_expr(items):
    total = sum(x * 2 for x in items)
    return total


def gen_expr_assigned(items):
    g = (x + 1 for x in items)
    first = next(g)
    rest = list(g)
    return first, rest


def nested_comp(rows):
    flat = [cell for row in rows for cell in row]
    return flat


def nested_comp_with_conditions(rows):
    picked = [c for r in rows if r for c in r if c > 1]
    return picked


def comp_inside_comp(n):
    grid = [[i * j for j in range(n)] for i in range(n)]
    return grid


def name_only_in_nested_comp(factor):
    data = [1, 2]
    out = [[v * factor for _ in data] for v in data]
    return out


def comp_closes_over_local(base):
    shift = base + 1
    shifted = [x + shift for x in range(3)]
    return shifted


def comp_uses_global():
    vals = [v + OFFSET for v in (1, 2)]
    return vals


def comp_tuple_target(pairs):
    sums = [a + b for a, b in pairs]
    return sums


def comp_walrus(values):
    doubled = [y for v in values if (y := v * 2) > 2]
    return doubled, y


def dict_comp_value_before_key(items):
    inv = {v: k for k, v in items}
    return sorted(inv.items())


def lambda_simple():
    f = lambda: 1
    return f()


def two_lambdas_one_line():
    add, mul = lambda a, b: a + b, lambda p, q, r=1: p * q * r
    return add(1, 2), mul(2, 3)


def two_identical_lambdas_one_line():
    f, g = lambda x: x, lambda x: x
    return f(1), g(2)


def lambda_closure(k):
    scale = k * 2
    f = lambda v: v * scale
    return f(3)


def lambda_with_defaults():
    f = lambda a, b=2, *c, d=4, **e: (a, b, c, d, len(e))
    return f(1), f(1, 5, 6, d=7, z=8)


def lambda_in_comprehension():
    fs = [lambda: i for i in range(2)]
    return [f() for f in fs]


def map_with_lambda(words):
    keyed = list(map(lambda w: (len(w), w), words))
    ordered = sorted(keyed)
    return ordered


def nested_lambdas():
    f = lambda x: lambda y: x + y
    g = f(1)
    return g(2)


def genexpr_in_call_with_other_args(items):
    joined = '-'.join(str(x) for x in items)
    return joined


def comprehension_over_multiline():
    result = [
        a + b
        for a in range(2)
        for b in range(2)
        if a != b
    ]
    return result


print(list_comp(4))
print(list_comp_with_if([1, 2, 3, 4]))
print(dict_comp(['aa', 'b']))
print(set_comp([1, 2, 3, 4]))
print(gen_expr([1, 2, 3]))
print(gen_expr_assigned([1, 2, 3]))
print(nested_comp([[1, 2], [3]]))
print(nested_comp_with_conditions([[1, 2], [], [3]]))
print(comp_inside_comp(3))
print(name_only_in_nested_comp(3))
print(comp_closes_over_local(1))
print(comp_uses_global())
print(comp_tuple_target([(1, 2), (3, 4)]))
print(comp_walrus([1, 2, 3]))
print(dict_comp_value_before_key([('a', 1), ('b', 2)]))
print(lambda_simple())
print(two_lambdas_one_line())
print(two_identical_lambdas_one_line())
print(lambda_closure(2))
print(lambda_with_defaults())
print(lambda_in_comprehension())
print(map_with_lambda(['bb', 'a', 'ccc', 'aa']))
print(nested_lambdas())
print(genexpr_in_call_with_other_args([1, 2, 3]))
print(comprehension_over_multiline())
