# Corpus: closures, cells, nonlocal, global. Runs on CPython 3.11 and MicroPython.

counter = 0
shared = 'module'


def make_adder(n):
    def add(x):
        return x + n
    return add


def cell_param_and_local(a, b):
    c = a + b

    def use():
        return a + c
    d = use()
    return d


def nonlocal_counter():
    count = 0

    def bump():
        nonlocal count
        count += 1
        return count
    bump()
    bump()
    return count


def three_deep():
    level = 1

    def middle():
        nonlocal level
        level += 10

        def inner():
            nonlocal level
            level += 100
            return level
        got = inner()
        return got
    res = middle()
    return level, res


def chain_through_unrelated_scope():
    value = 'outer'

    def middle():
        unrelated = 1

        def inner():
            return value + '!'
        return inner() + str(unrelated)
    return middle()


def uses_global():
    global counter
    before = counter
    counter = counter + 1
    return before, counter


def reads_global_only():
    x = shared
    return x + '?'


def shadows_global():
    shared = 'local'
    return shared


def closure_over_loop_variable():
    fs = []
    for i in range(3):
        def f(j=i):
            return j * i
        fs.append(f)
    results = [g() for g in fs]
    return results


def cell_assigned_late():
    def reader():
        return late
    late = 'now set'
    out = reader()
    return out


def many_cells(a, b, c):
    d = 4
    e = 5

    def inner():
        return a + c + e
    f = inner()
    return f + b + d


def closure_in_lambda(k):
    m = k * 3
    fn = lambda q: q + m
    return fn(1)


def free_var_order():
    first = 1
    second = 2
    third = 3

    def inner():
        return third + first + second
    return inner()


def nested_free_and_param(p):
    def outer2(q):
        def inner2(r):
            return p + q + r
        return inner2(3)
    return outer2(2)


def class_in_function():
    kind = 'made'
    step = 2

    class Local:
        label = kind

        def method(self):
            return step * 2

        def other(self):
            return kind
    obj = Local()
    return obj.label, obj.method(), obj.other()


def class_attr_shadows_global():
    class K:
        shared = 'class-level'

        def get(self):
            return shared
    return K().get(), K.shared


def global_declared_in_nested():
    def setter():
        global shared
        shared = 'changed'
        return shared
    r = setter()
    return r


def nonlocal_in_method():
    total = 0

    class Acc:
        def add(self, v):
            nonlocal total
            total += v
            return total
    a = Acc()
    a.add(1)
    a.add(2)
    return total


class Base:
    def __init__(self, v):
        self.v = v

    def describe(self):
        return 'base ' + str(self.v)


class Derived(Base):
    def __init__(self, v, w):
        super().__init__(v)
        self.w = w

    def describe(self):
        parent = super().describe()
        return parent + ' derived ' + str(self.w)


def use_classes():
    d = Derived(1, 2)
    text = d.describe()
    return text


print(make_adder(3)(4))
print(cell_param_and_local(1, 2))
print(nonlocal_counter())
print(three_deep())
print(chain_through_unrelated_scope())
print(uses_global())
print(reads_global_only())
print(shadows_global())
print(closure_over_loop_variable())
print(cell_assigned_late())
print(many_cells(1, 2, 3))
print(closure_in_lambda(2))
print(free_var_order())
print(nested_free_and_param(1))
print(class_in_function())
print(class_attr_shadows_global())
print(global_declared_in_nested())
print(nonlocal_in_method())
print(use_classes())
