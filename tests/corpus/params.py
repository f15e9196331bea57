# Corpus: parameters of every kind. Runs on CPython 3.11 and MicroPython.

LIMIT = 3
SCALE = 10


def no_params():
    a = 1
    b = a + 1
    return b


def positional(a, b, c):
    total = a + b + c
    return total


def unused_params(a, b, unused, also_unused=None):
    r = a * b
    return r


def defaults_reference_names(x, y=LIMIT, z=SCALE * 2):
    w = x + y + z
    return w


def star_args(*args):
    n = len(args)
    first = args[0] if args else None
    return n, first


def star_kwargs(**kw):
    keys = sorted(kw)
    count = len(keys)
    return keys, count


def everything(a, b, *args, c=1, **kw):
    print(z if False else 0)
    z = 5
    x = 1
    for i in range(2):
        y = i
    return a + b + c + len(args) + len(kw) + z + x + y


def kwonly_bare(a, *, b, c=3):
    s = a + b + c
    return s


def kwonly_after_star(a, *rest, d, e=5):
    t = a + d + e + sum(rest)
    return t


def kwonly_two_with_star(a, *rest, c, d):
    u = (a, c, d, rest)
    return u


def kwonly_three_with_star_and_kw(p, q, *rest, r, s, t, **more):
    v = [p, q, r, s, t, len(rest), len(more)]
    return v


def only_kwonly(*, k1, k2=2):
    both = k1 * k2
    return both


def star_then_kw(*args, **kwargs):
    a2 = list(args)
    k2 = dict(kwargs)
    return len(a2) + len(k2)


def param_reassigned(a, b):
    a = a * 2
    b += a
    c = a + b
    return c


def param_deleted(a, b):
    keep = a
    del a
    return keep + b


def default_is_call(n=len([1, 2, 3])):
    m = n + 1
    return m


def default_list_literal(items=[1, 2]):
    copy = list(items)
    copy.append(3)
    return copy


def default_lambda(f=lambda q: q * 2):
    r = f(4)
    return r


def annotated(a: int, b: str = 'x', *c: int, d: float = 1.5, **e: str) -> str:
    out = b * a
    return out


lam1 = lambda: 42
lam2 = lambda a, b=2: a + b
lam3 = lambda *a, k=1, **kw: (len(a), k, len(kw))


def call_all():
    print(no_params())
    print(positional(1, 2, 3))
    print(unused_params(2, 3, 4))
    print(defaults_reference_names(1))
    print(defaults_reference_names(1, 2, 3))
    print(star_args())
    print(star_args(7, 8, 9))
    print(star_kwargs(a=1, b=2))
    print(everything(1, 2, 3, 4, c=5, d=6))
    print(kwonly_bare(1, b=2))
    print(kwonly_after_star(1, 2, 3, d=4))
    print(kwonly_two_with_star(1, 9, c=2, d=3))
    print(kwonly_three_with_star_and_kw(1, 2, 3, r=4, s=5, t=6, u=7))
    print(only_kwonly(k1=5))
    print(star_then_kw(1, 2, x=3))
    print(param_reassigned(3, 4))
    print(param_deleted(5, 6))
    print(default_is_call())
    print(default_list_literal())
    print(default_lambda())
    print(annotated(2))
    print(lam1(), lam2(1), lam3(1, 2, k=3, z=4))


call_all()
